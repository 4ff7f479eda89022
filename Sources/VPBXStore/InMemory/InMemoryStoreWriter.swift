/// ``StoreWriter`` on an ``InMemoryStore``: a whole batch in one ``InMemoryStore/transaction(_:)``,
/// all or nothing, like ``GRDBStoreWriter`` on SQLite.
public struct InMemoryStoreWriter: StoreWriter {
    private let store: InMemoryStore

    public init(store: InMemoryStore) {
        self.store = store
    }

    public func apply(_ writes: [StoreWrite]) async throws {
        do {
            for write in writes { try write.validate() }
            try await store.transaction { tables in
                for write in writes { try Self.apply(write, &tables) }
            }
        } catch {
            throw StoreWriteFailure(applied: 0, underlying: StoreError.wrapping(error))
        }
    }

    private static func apply(_ write: StoreWrite, _ tables: inout InMemoryStore.Tables) throws {
        switch write {
        case .cdrBegin(let record):
            try InMemoryCDRRepository.insert(record, &tables)
        case .cdrAnswered(let id, let time):
            _ = try InMemoryCDRRepository.change(id, &tables) { record in try record.markAnswered(at: time) }
        case .cdrFinish(let id, let answeredAt, let endedAt, let disposition, let cause, let side):
            _ = try InMemoryCDRRepository.change(id, &tables) { record in
                try record.finish(
                    answeredAt: answeredAt, endedAt: endedAt, disposition: disposition, cause: cause,
                    hangupSide: side)
            }
        case .cdrPath(let id, let path):
            _ = try InMemoryCDRRepository.change(id, &tables) { record in try record.replacePath(path) }
        case .cdrEncrypted(let id):
            _ = try InMemoryCDRRepository.change(id, &tables) { record in try record.markEncrypted() }
        case .registrationUpsert(let binding):
            _ = try InMemoryRegistrationRepository.upsert(binding, &tables)
        case .registrationRemove(let number, let contact):
            _ = InMemoryRegistrationRepository.remove(extensionNumber: number, contactURI: contact, &tables)
        }
    }
}
