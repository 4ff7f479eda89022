import Foundation
import GRDB

// Hand-written row mapping and statements for the CDR table. Every call writes its row at
// least once, and under load the Codable-derived mapping cost more than SQLite itself (in a
// perf profile at 500 calls/s about two thirds of the store writer's time went to the keyed
// encoder and decoder and their generic metadata lookups). The column text is the same as the
// derived mapping wrote: lowercase UUID text, GRDB's date text, the raw enum values and the
// path as a JSON array, so rows written before and after this read alike.
extension CDRRecord {
    public func encode(to container: inout PersistenceContainer) throws {
        for (column, value) in zip(Self.columns, try databaseValues()) { container[column] = value }
    }

    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        sipCallID = try row.decode(forColumn: "sip_call_id")
        caller = try row.decode(forColumn: "caller")
        callerName = try row.decode(forColumn: "caller_name")
        callee = try row.decode(forColumn: "callee")
        startedAt = try row.decode(forColumn: "started_at")
        answeredAt = try row.decode(forColumn: "answered_at")
        endedAt = try row.decode(forColumn: "ended_at")
        durationSeconds = try row.decode(forColumn: "duration_seconds")
        billableSeconds = try row.decode(forColumn: "billable_seconds")
        disposition = try row.decode(forColumn: "disposition")
        cause = try row.decode(forColumn: "cause")
        hangupSide = try row.decode(forColumn: "hangup_side")
        let pathText: String? = try row.decode(forColumn: "path")
        path = try pathText.map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) }
    }

    /// Inserts the row with one cached statement; a row with the same id fails as a
    /// constraint violation, as ``PersistableRecord/insert(_:onConflict:)`` would.
    func insertRow(_ db: Database) throws {
        let statement = try db.cachedStatement(sql: Self.insertSQL)
        try statement.execute(arguments: StatementArguments(try databaseValues()))
    }

    /// Rewrites every column of the row with this id.
    ///
    /// - Throws: ``StoreError/notFound(_:)`` when there is no such row.
    func updateRow(_ db: Database) throws {
        let statement = try db.cachedStatement(sql: Self.updateSQL)
        var values = try databaseValues()
        values.append(values.removeFirst())  // the id goes last, into the WHERE clause
        try statement.execute(arguments: StatementArguments(values))
        guard db.changesCount > 0 else { throw StoreError.notFound(objectName) }
    }

    /// The table's columns in ``databaseValues()`` order; the id first.
    static let columns = [
        "id", "sip_call_id", "caller", "caller_name", "callee", "started_at", "answered_at", "ended_at",
        "duration_seconds", "billable_seconds", "disposition", "cause", "hangup_side", "path",
    ]

    static let insertSQL =
        "INSERT INTO cdr (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"

    static let updateSQL =
        "UPDATE cdr SET \(columns.dropFirst().map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

    private func databaseValues() throws -> [DatabaseValue] {
        [
            Self.key(id).databaseValue, sipCallID.databaseValue, caller.databaseValue, callerName.databaseValue,
            callee.databaseValue, StorageDateText.databaseValue(startedAt), StorageDateText.databaseValue(answeredAt),
            StorageDateText.databaseValue(endedAt),
            durationSeconds.databaseValue, billableSeconds.databaseValue, disposition.databaseValue,
            cause.databaseValue, hangupSide.databaseValue, try path.map(Self.pathJSON).databaseValue,
        ]
    }

    /// The path as GRDB's JSON encoder for Codable columns writes it.
    private static func pathJSON(_ path: [String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(path), as: UTF8.self)
    }
}
