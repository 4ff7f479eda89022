import Foundation

/// ``VoicemailRepository`` in memory, on an ``InMemoryStore``.
public struct InMemoryVoicemailRepository: VoicemailRepository {
    private let store: InMemoryStore
    private let now: @Sendable () -> Date

    /// - Parameter now: the clock for `createdAt`/`updatedAt` (injected for tests).
    public init(store: InMemoryStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = now
    }

    public func mailbox(_ number: String) async throws -> MailboxRecord? {
        try await store.transaction { tables in tables.mailboxes[number] }
    }

    public func mailboxes() async throws -> [MailboxRecord] {
        try await store.transaction { tables in
            tables.mailboxes.values.sorted { ExtensionRecord.dialPlanOrder($0.extensionNumber, $1.extensionNumber) }
        }
    }

    public func enabledMailboxNumbers() async throws -> [String] {
        try await store.transaction { tables in tables.mailboxes.values.filter(\.enabled).map(\.extensionNumber) }
    }

    @discardableResult
    public func upsertMailbox(_ record: MailboxRecord) async throws -> MailboxRecord {
        try record.validate()
        let time = now()
        return try await store.transaction { tables in
            // The twin of the foreign key to extensions.
            guard tables.extensions[record.extensionNumber] != nil else {
                throw StoreError(.notFound, "mailbox \(record.extensionNumber) refers to a missing object")
            }
            var stored = record
            stored.createdAt = tables.mailboxes[record.extensionNumber]?.createdAt ?? time
            stored.updatedAt = time
            tables.mailboxes[record.extensionNumber] = stored
            return stored
        }
    }

    @discardableResult
    public func deleteMailbox(_ number: String) async throws -> Bool {
        try await store.transaction { tables in tables.deleteMailbox(number) }
    }

    public func addMessage(_ message: VoicemailMessageRecord) async throws {
        try message.validate()
        try await store.transaction { tables in
            guard tables.voicemailMessages[message.id] == nil else {
                throw StoreError.alreadyExists(message.objectName)
            }
            guard tables.mailboxes[message.mailbox] != nil else {
                throw StoreError(.notFound, "\(message.objectName) refers to a missing object")
            }
            tables.voicemailMessages[message.id] = message
        }
    }

    public func messages(mailbox: String) async throws -> [VoicemailMessageRecord] {
        try await store.transaction { tables in
            tables.voicemailMessages.values.filter { $0.mailbox == mailbox }.sorted {
                // Newest first; the id breaks ties as the SQL does.
                if $0.receivedAt != $1.receivedAt { return $0.receivedAt > $1.receivedAt }
                return VoicemailMessageRecord.key($1.id).precedesInBinaryCollation(VoicemailMessageRecord.key($0.id))
            }
        }
    }

    public func message(id: UUID) async throws -> VoicemailMessageRecord? {
        try await store.transaction { tables in tables.voicemailMessages[id] }
    }

    @discardableResult
    public func setFolder(id: UUID, _ folder: VoicemailFolder) async throws -> VoicemailMessageRecord {
        try await store.transaction { tables in
            guard var message = tables.voicemailMessages[id] else {
                throw StoreError.notFound("voicemail message \(VoicemailMessageRecord.key(id))")
            }
            message.folder = folder
            tables.voicemailMessages[id] = message
            return message
        }
    }

    @discardableResult
    public func deleteMessage(id: UUID) async throws -> Bool {
        try await store.transaction { tables in tables.voicemailMessages.removeValue(forKey: id) != nil }
    }

    public func allMessages() async throws -> [VoicemailMessageRecord] {
        try await store.transaction { tables in Array(tables.voicemailMessages.values) }
    }

    public func messagesAwaitingEmail() async throws -> [VoicemailMessageRecord] {
        try await store.transaction { tables in
            tables.voicemailMessages.values.filter(\.awaitsEmail).sorted { $0.receivedAt < $1.receivedAt }
        }
    }

    @discardableResult
    public func markEmailed(id: UUID, at time: Date) async throws -> Bool {
        try await store.transaction { tables in
            guard tables.voicemailMessages[id] != nil else { return false }
            tables.voicemailMessages[id]?.emailedAt = time
            return true
        }
    }

    public func allCounts() async throws -> [String: VoicemailCounts] {
        try await store.transaction { tables in
            var counts: [String: VoicemailCounts] = [:]
            for message in tables.voicemailMessages.values {
                var box = counts[message.mailbox] ?? VoicemailCounts(new: 0, old: 0)
                if message.folder == .new { box.new += 1 } else if message.folder == .old { box.old += 1 }
                counts[message.mailbox] = box
            }
            return counts
        }
    }

    public func counts(mailbox: String) async throws -> VoicemailCounts {
        try await store.transaction { tables in
            let folders = tables.voicemailMessages.values.filter { $0.mailbox == mailbox }.map(\.folder)
            return VoicemailCounts(
                new: folders.filter { $0 == .new }.count, old: folders.filter { $0 == .old }.count)
        }
    }
}

extension InMemoryStore.Tables {
    /// Deletes a box and, as ON DELETE CASCADE does, its messages.
    mutating func deleteMailbox(_ number: String) -> Bool {
        guard mailboxes.removeValue(forKey: number) != nil else { return false }
        voicemailMessages = voicemailMessages.filter { $0.value.mailbox != number }
        return true
    }
}
