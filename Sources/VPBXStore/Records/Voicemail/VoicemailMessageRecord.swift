import Foundation
import GRDB
import VPBXText

/// Where a message sits in its mailbox: `new` until the owner has heard it, then `old`.
public enum VoicemailFolder: String, Codable, Sendable, CaseIterable {
    case new
    case old
}

/// New and old message counts of one mailbox (what MWI and the mailbox menu announce).
public struct VoicemailCounts: Sendable, Equatable {
    public var new: Int
    public var old: Int

    public init(new: Int, old: Int) {
        self.new = new
        self.old = old
    }
}

/// One voicemail message. The audio is a WAV file under the data directory; the row is
/// written after the file (docs/voicemail.md), so a row always points at a complete file.
public struct VoicemailMessageRecord: Codable, Sendable, Equatable, Identifiable {
    /// Also names the file; stored as lowercase text.
    public var id: UUID
    /// The mailbox (extension number) it was left in.
    public var mailbox: String
    /// Who called: a number or SIP user, `anonymous` when unknown.
    public var caller: String
    public var callerName: String?
    public var receivedAt: Date
    public var durationMilliseconds: Int
    public var folder: VoicemailFolder
    /// The WAV, relative to the data directory (`voicemail/1001/<id>.wav`).
    public var audioPath: String
    /// The call (CDR id) that left it; nil for messages re-indexed after a crash.
    public var callID: String?
    /// The address the message is to be emailed to (the box's when it was left); nil: none.
    public var emailTo: String?
    /// When the mail command took the email; nil while it is still to be sent.
    public var emailedAt: Date?

    public init(
        id: UUID, mailbox: String, caller: String, callerName: String? = nil, receivedAt: Date,
        durationMilliseconds: Int, folder: VoicemailFolder = .new, audioPath: String, callID: String? = nil,
        emailTo: String? = nil, emailedAt: Date? = nil
    ) {
        self.id = id
        self.mailbox = mailbox
        self.caller = caller
        self.callerName = callerName
        self.receivedAt = receivedAt
        self.durationMilliseconds = durationMilliseconds
        self.folder = folder
        self.audioPath = audioPath
        self.callID = callID
        self.emailTo = emailTo
        self.emailedAt = emailedAt
    }

    /// To be emailed and not yet taken by the mail command.
    public var awaitsEmail: Bool { emailTo != nil && emailedAt == nil }

    var objectName: String { "voicemail message \(Self.key(id))" }

    /// Checks every field; throws ``StoreError`` of kind `invalidArgument` naming the first bad one.
    public func validate() throws {
        try Validation.extensionNumber(mailbox, field: "mailbox of \(objectName)")
        try Validation.text(caller, field: "caller of \(objectName)", maxLength: 100)
        if let callerName {
            try Validation.text(callerName, field: "caller name of \(objectName)", maxLength: 100, allowEmpty: true)
        }
        guard durationMilliseconds >= 0 else {
            throw StoreError.invalid("duration of \(objectName) must not be negative")
        }
        try Validation.text(audioPath, field: "audio path of \(objectName)", maxLength: 300)
        // Relative and inside the data directory: the engine joins it to the data dir.
        guard !audioPath.hasPrefix("/"), !audioPath.split(separator: "/").contains("..") else {
            throw StoreError.invalid(
                "audio path '\(audioPath)' of \(objectName) must be relative to the data directory, without '..'")
        }
        if let callID { try Validation.text(callID, field: "call id of \(objectName)", maxLength: 100) }
        if let emailTo { try Validation.text(emailTo, field: "email address of \(objectName)", maxLength: 254) }
    }

    enum CodingKeys: String, CodingKey {
        case id
        case mailbox
        case caller
        case callerName = "caller_name"
        case receivedAt = "received_at"
        case durationMilliseconds = "duration_ms"
        case folder
        case audioPath = "audio_path"
        case callID = "call_id"
        case emailTo = "email_to"
        case emailedAt = "emailed_at"
    }
}

extension VoicemailMessageRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "voicemail_messages"

    // Text, like the CDR ids, so the two can be compared in sqlite3.
    public static func databaseUUIDEncodingStrategy(for column: String) -> DatabaseUUIDEncodingStrategy {
        .lowercaseString
    }

    /// The columns the repositories query (GRDB requires the type to be public).
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let mailbox = Column(CodingKeys.mailbox)
        public static let receivedAt = Column(CodingKeys.receivedAt)
        public static let folder = Column(CodingKeys.folder)
        public static let emailTo = Column(CodingKeys.emailTo)
        public static let emailedAt = Column(CodingKeys.emailedAt)
    }

    /// The value of the `id` column for a UUID (lowercase text, as stored).
    static func key(_ id: UUID) -> String { id.lowercaseText }
}
