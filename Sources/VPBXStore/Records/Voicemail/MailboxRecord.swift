import Foundation
import GRDB

/// An extension's voicemail box (opt-in, at most one per extension).
///
/// The store never sees the PIN: the engine stores a salted, iterated hash of it
/// (docs/voicemail.md), and the store only checks that one is there.
public struct MailboxRecord: Codable, Sendable, Equatable, Identifiable {
    /// The owning extension's number, and the key (deleting the extension deletes the box).
    public var extensionNumber: String
    /// A disabled box takes no new messages but keeps the ones it has.
    public var enabled: Bool
    /// The PIN's hash in the engine's self-describing format; never the PIN.
    public var pinHash: String
    /// The longest message a caller may leave, in seconds.
    public var maxMessageSeconds: Int
    /// Where each new message is emailed, its audio attached (Asterisk's `attach=yes`);
    /// nil: not emailed. The message stays in the box either way.
    public var email: String?
    /// Set by the repository when the box is first stored.
    public var createdAt: Date
    /// Set by the repository on every upsert.
    public var updatedAt: Date

    public var id: String { extensionNumber }

    /// The default longest message, in seconds.
    public static let defaultMaxMessageSeconds = 180
    /// The allowed message lengths, in seconds.
    public static let maxMessageSecondsRange = 10...600

    /// Creates a mailbox record; the timestamps are set by the repository.
    public init(
        extensionNumber: String, enabled: Bool = true, pinHash: String,
        maxMessageSeconds: Int = MailboxRecord.defaultMaxMessageSeconds, email: String? = nil,
        createdAt: Date = Date(timeIntervalSince1970: 0), updatedAt: Date = Date(timeIntervalSince1970: 0)
    ) {
        self.email = email
        self.extensionNumber = extensionNumber
        self.enabled = enabled
        self.pinHash = pinHash
        self.maxMessageSeconds = maxMessageSeconds
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Checks every field; throws ``StoreError`` of kind `invalidArgument` naming the first bad one.
    public func validate() throws {
        try Validation.extensionNumber(extensionNumber, field: "mailbox number")
        let object = "mailbox \(extensionNumber)"
        try Validation.text(pinHash, field: "PIN hash of \(object)", maxLength: 200)
        try Validation.range(
            maxMessageSeconds, Self.maxMessageSecondsRange, field: "maximum message length of \(object)", unit: "s")
        if let email, let problem = Self.problem(email: email) {
            throw StoreError.invalid("the email address of \(object): \(problem)")
        }
    }

    /// Why `email` cannot be a mailbox's address, or nil when it can: one `@` between a
    /// local part and a domain with a dot, printable ASCII without spaces or the characters
    /// that would break a mail header (`<>,;"` and line breaks), at most 254 characters.
    /// (Not RFC 5322's whole grammar: quoted local parts are refused.)
    public static func problem(email: String) -> String? {
        let forbidden = Set("<>,;\"()[]\\ ")
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            email.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 }),
            !email.contains(where: forbidden.contains)
        else { return "\(email) is not an email address like anna.kovacs@example.hu" }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case extensionNumber = "extension_number"
        case enabled
        case pinHash = "pin_hash"
        case maxMessageSeconds = "max_message_seconds"
        case email
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

extension MailboxRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "mailboxes"

    /// The columns the repositories query (GRDB requires the type to be public).
    public enum Columns {
        public static let extensionNumber = Column(CodingKeys.extensionNumber)
    }
}
