import Foundation
import GRDB

/// Stores voicemail boxes and the index of their messages (the audio itself is files, owned
/// by the engine). Errors are ``StoreError``s.
public protocol VoicemailRepository: Sendable {
    /// The box of extension `number`, or nil.
    func mailbox(_ number: String) async throws -> MailboxRecord?
    /// All boxes, by extension number.
    func mailboxes() async throws -> [MailboxRecord]
    /// The extension numbers of the enabled boxes (what the dial plan needs), in no order:
    /// read on every change of an extension, where decoding every box was most of the cost
    /// (23 ms of CPU per `vpbx ext add` with 10,000 boxes).
    func enabledMailboxNumbers() async throws -> [String]
    /// Validates and inserts or replaces a box, keeping `createdAt` of an existing one;
    /// returns it as stored. Throws `notFound` when the extension does not exist.
    @discardableResult
    func upsertMailbox(_ record: MailboxRecord) async throws -> MailboxRecord
    /// Deletes a box and its message rows; returns whether it existed.
    @discardableResult
    func deleteMailbox(_ number: String) async throws -> Bool

    /// Validates and inserts a message row. Throws `conflict` if the id exists, `notFound`
    /// when the mailbox does not exist.
    func addMessage(_ message: VoicemailMessageRecord) async throws
    /// The messages of one box, newest first.
    func messages(mailbox: String) async throws -> [VoicemailMessageRecord]
    func message(id: UUID) async throws -> VoicemailMessageRecord?
    /// Moves a message to `folder` and returns it. Throws `notFound`.
    @discardableResult
    func setFolder(id: UUID, _ folder: VoicemailFolder) async throws -> VoicemailMessageRecord
    /// Deletes a message row; returns whether it existed.
    @discardableResult
    func deleteMessage(id: UUID) async throws -> Bool
    /// New and old counts of one box (zero for an unknown box).
    func counts(mailbox: String) async throws -> VoicemailCounts

    /// Every message row, in no order, and the counts of every box with messages: what the
    /// engine's start reads at once. Asked box by box (two reads per box), a start with
    /// 12,600 boxes took 5 s before SIP listened.
    func allMessages() async throws -> [VoicemailMessageRecord]
    func allCounts() async throws -> [String: VoicemailCounts]

    /// The messages still to be emailed (``VoicemailMessageRecord/awaitsEmail``), oldest first.
    func messagesAwaitingEmail() async throws -> [VoicemailMessageRecord]
    /// Records that the mail command took the message's email; false when the message is gone.
    @discardableResult
    func markEmailed(id: UUID, at time: Date) async throws -> Bool
}

/// ``VoicemailRepository`` on a ``VPBXDatabase``.
public struct GRDBVoicemailRepository: VoicemailRepository {
    private let database: VPBXDatabase
    private let now: @Sendable () -> Date

    /// - Parameter now: the clock for `createdAt`/`updatedAt` (injected for tests).
    public init(database: VPBXDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func mailbox(_ number: String) async throws -> MailboxRecord? {
        try await database.read("mailbox \(number)") { db in try MailboxRecord.fetchOne(db, key: number) }
    }

    public func mailboxes() async throws -> [MailboxRecord] {
        try await database.read("the mailbox list") { db in
            let number = MailboxRecord.Columns.extensionNumber
            return try MailboxRecord.order(length(number), number).fetchAll(db)
        }
    }

    public func enabledMailboxNumbers() async throws -> [String] {
        try await database.read("the mailbox list") { db in
            try String.fetchAll(db, sql: "SELECT extension_number FROM mailboxes WHERE enabled")
        }
    }

    @discardableResult
    public func upsertMailbox(_ record: MailboxRecord) async throws -> MailboxRecord {
        try record.validate()
        let time = now()
        return try await database.write("mailbox \(record.extensionNumber)") { db in
            var stored = record
            stored.createdAt = try MailboxRecord.fetchOne(db, key: record.extensionNumber)?.createdAt ?? time
            stored.updatedAt = time
            try stored.save(db)
            return stored
        }
    }

    @discardableResult
    public func deleteMailbox(_ number: String) async throws -> Bool {
        // Message rows go with it through ON DELETE CASCADE.
        try await database.write("mailbox \(number)") { db in try MailboxRecord.deleteOne(db, key: number) }
    }

    public func addMessage(_ message: VoicemailMessageRecord) async throws {
        try message.validate()
        try await database.write(message.objectName) { db in try message.insert(db) }
    }

    public func messages(mailbox: String) async throws -> [VoicemailMessageRecord] {
        try await database.read("the messages of mailbox \(mailbox)") { db in
            typealias Columns = VoicemailMessageRecord.Columns
            return try VoicemailMessageRecord.filter(Columns.mailbox == mailbox)
                .order(Columns.receivedAt.desc, Columns.id.desc).fetchAll(db)
        }
    }

    public func message(id: UUID) async throws -> VoicemailMessageRecord? {
        try await database.read("voicemail message \(VoicemailMessageRecord.key(id))") { db in
            try Self.fetch(id, db)
        }
    }

    @discardableResult
    public func setFolder(id: UUID, _ folder: VoicemailFolder) async throws -> VoicemailMessageRecord {
        let object = "voicemail message \(VoicemailMessageRecord.key(id))"
        return try await database.write(object) { db in
            guard var message = try Self.fetch(id, db) else { throw StoreError.notFound(object) }
            message.folder = folder
            try message.update(db)
            return message
        }
    }

    @discardableResult
    public func deleteMessage(id: UUID) async throws -> Bool {
        try await database.write("voicemail message \(VoicemailMessageRecord.key(id))") { db in
            try VoicemailMessageRecord.filter(VoicemailMessageRecord.Columns.id == VoicemailMessageRecord.key(id))
                .deleteAll(db) > 0
        }
    }

    public func allMessages() async throws -> [VoicemailMessageRecord] {
        try await database.read("every voicemail message") { db in try VoicemailMessageRecord.fetchAll(db) }
    }

    public func messagesAwaitingEmail() async throws -> [VoicemailMessageRecord] {
        try await database.read("the voicemail messages to email") { db in
            try VoicemailMessageRecord.filter(
                VoicemailMessageRecord.Columns.emailTo != nil && VoicemailMessageRecord.Columns.emailedAt == nil
            )
            .order(VoicemailMessageRecord.Columns.receivedAt)
            .fetchAll(db)
        }
    }

    @discardableResult
    public func markEmailed(id: UUID, at time: Date) async throws -> Bool {
        try await database.write("voicemail message \(VoicemailMessageRecord.key(id))") { db in
            try VoicemailMessageRecord.filter(VoicemailMessageRecord.Columns.id == VoicemailMessageRecord.key(id))
                .updateAll(db, VoicemailMessageRecord.Columns.emailedAt.set(to: time)) > 0
        }
    }

    public func allCounts() async throws -> [String: VoicemailCounts] {
        try await database.read("the counts of every mailbox") { db in
            var counts: [String: VoicemailCounts] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT mailbox, SUM(folder = 'new') AS new, SUM(folder = 'old') AS old
                    FROM voicemail_messages GROUP BY mailbox
                    """)
            while let row = try rows.next() {
                counts[row["mailbox"]] = VoicemailCounts(new: row["new"], old: row["old"])
            }
            return counts
        }
    }

    public func counts(mailbox: String) async throws -> VoicemailCounts {
        try await database.read("the counts of mailbox \(mailbox)") { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(folder = 'new'), 0) AS new, COALESCE(SUM(folder = 'old'), 0) AS old
                    FROM voicemail_messages WHERE mailbox = ?
                    """, arguments: [mailbox])
            return VoicemailCounts(new: row?["new"] ?? 0, old: row?["old"] ?? 0)
        }
    }

    private static func fetch(_ id: UUID, _ db: Database) throws -> VoicemailMessageRecord? {
        try VoicemailMessageRecord.filter(VoicemailMessageRecord.Columns.id == VoicemailMessageRecord.key(id))
            .fetchOne(db)
    }
}
