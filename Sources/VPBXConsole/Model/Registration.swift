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
    /// The extension's contact checks found it not answering: it is not rung.
    public var unreachable: Bool

    public init(number: String, contact: String, expiresAt: Date, unreachable: Bool = false) {
        self.number = number
        self.contact = contact
        self.expiresAt = expiresAt
        self.unreachable = unreachable
    }

    public init(_ info: RegistrationInfo) {
        self.init(
            number: info.extension, contact: info.contact, expiresAt: info.expiresAt,
            unreachable: info.reachability == .unreachable)
    }

    public var key: Key { Key(number: number, contact: contact) }
}
