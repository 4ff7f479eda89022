import GRDB

extension GRDBDialPlanRepository {
    public func numbering() async throws -> NumberingRecord {
        try await database.read("the numbering settings") { db in try NumberingRecord.fetchOne(db) ?? NumberingRecord()
        }
    }

    public func setNumbering(_ numbering: NumberingRecord) async throws {
        try numbering.validate()
        try await database.write("the numbering settings") { db in try numbering.save(db) }
    }
}
