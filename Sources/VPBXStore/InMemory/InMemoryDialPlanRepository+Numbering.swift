extension InMemoryDialPlanRepository {
    public func numbering() async throws -> NumberingRecord {
        try await store.transaction { tables in tables.numbering }
    }

    public func setNumbering(_ numbering: NumberingRecord) async throws {
        try numbering.validate()
        try await store.transaction { tables in tables.numbering = numbering }
    }
}
