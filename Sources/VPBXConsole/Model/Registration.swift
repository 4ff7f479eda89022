import Foundation
import VPBXControl

/// One registered contact as the console keeps it: what both `registration.list` and the
/// `registration.added` event carry.
public struct Registration: Sendable, Hashable {
    public struct Key: Sendable, Hashable {
        public var number: String
        public var contact: String
    }

    public var number: String
    public var contact: String
    public var expiresAt: Date

    public init(number: String, contact: String, expiresAt: Date) {
        self.number = number
        self.contact = contact
        self.expiresAt = expiresAt
    }

    public init(_ info: RegistrationInfo) {
        self.init(number: info.extension, contact: info.contact, expiresAt: info.expiresAt)
    }

    public var key: Key { Key(number: number, contact: contact) }
}
