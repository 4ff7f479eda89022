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
        startedAt = try row.decode(StorageDate.self, forColumn: "started_at").date
        answeredAt = try row.decode(StorageDate?.self, forColumn: "answered_at")?.date
        endedAt = try row.decode(StorageDate?.self, forColumn: "ended_at")?.date
        durationSeconds = try row.decode(forColumn: "duration_seconds")
        billableSeconds = try row.decode(forColumn: "billable_seconds")
        disposition = try row.decode(forColumn: "disposition")
        cause = try row.decode(forColumn: "cause")
        hangupSide = try row.decode(forColumn: "hangup_side")
        let pathText: String? = try row.decode(forColumn: "path")
        path = try pathText.map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        encrypted = try row.decode(forColumn: "encrypted")
    }

    /// Inserts the row with one cached statement; a row with the same id fails as a
    /// constraint violation, as ``PersistableRecord/insert(_:onConflict:)`` would.
    func insertRow(_ db: Database) throws {
        let statement = try db.cachedStatement(sql: Self.insertSQL)
        try statement.execute(arguments: Self.arguments(try databaseValues()))
    }

    /// Writes what a call's later steps change (answer, encryption, finish, and the path
    /// when `includingPath`) to the row with this id.
    ///
    /// Only those columns: caller, callee and start are written once, by the INSERT, and an
    /// UPDATE that names an indexed column rewrites that index's entry even when the value is
    /// the same, so rewriting every column cost three index updates per call for nothing.
    ///
    /// - Throws: ``StoreError/notFound(_:)`` when there is no such row.
    func updateLifecycle(_ db: Database, includingPath: Bool) throws {
        let statement = try db.cachedStatement(sql: includingPath ? Self.updateWithPathSQL : Self.updateSQL)
        var values: [DatabaseValue] = [
            StorageDateText.databaseValue(answeredAt), StorageDateText.databaseValue(endedAt),
            durationSeconds.databaseValue, billableSeconds.databaseValue, disposition.databaseValue,
            cause.databaseValue, hangupSide.databaseValue, encrypted.databaseValue,
        ]
        if includingPath { values.append(try path.map(Self.pathJSON).databaseValue) }
        values.append(Self.key(id).databaseValue)  // the WHERE clause
        try statement.execute(arguments: Self.arguments(values))
        guard db.changesCount > 0 else { throw StoreError.notFound(objectName) }
    }

    /// Statement arguments from values already converted. Through the existential
    /// initializer: the generic one maps its elements with a key path, which is not
    /// specialized across modules and showed in profiles of the CDR writer (a sixth of its
    /// time went to key path projection and metadata lookups).
    private static func arguments(_ values: [DatabaseValue]) -> StatementArguments {
        StatementArguments(values.map { $0 as (any DatabaseValueConvertible)? })
    }

    /// The table's columns in ``databaseValues()`` order; the id first.
    static let columns = [
        "id", "sip_call_id", "caller", "caller_name", "callee", "started_at", "answered_at", "ended_at",
        "duration_seconds", "billable_seconds", "disposition", "cause", "hangup_side", "path", "encrypted",
    ]

    static let insertSQL =
        "INSERT INTO cdr (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"

    /// The columns a call's later steps change, in ``updateLifecycle(_:includingPath:)`` order.
    /// `encrypted` is written with the rest rather than only when it changed: it is in no
    /// index, so naming it costs one bound value, and one statement serves every step.
    static let lifecycleColumns = [
        "answered_at", "ended_at", "duration_seconds", "billable_seconds", "disposition", "cause", "hangup_side",
        "encrypted",
    ]

    static let updateSQL =
        "UPDATE cdr SET \(lifecycleColumns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

    static let updateWithPathSQL =
        "UPDATE cdr SET \((lifecycleColumns + ["path"]).map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

    private func databaseValues() throws -> [DatabaseValue] {
        [
            Self.key(id).databaseValue, sipCallID.databaseValue, caller.databaseValue, callerName.databaseValue,
            callee.databaseValue, StorageDateText.databaseValue(startedAt), StorageDateText.databaseValue(answeredAt),
            StorageDateText.databaseValue(endedAt),
            durationSeconds.databaseValue, billableSeconds.databaseValue, disposition.databaseValue,
            cause.databaseValue, hangupSide.databaseValue, try path.map(Self.pathJSON).databaseValue,
            encrypted.databaseValue,
        ]
    }

    /// The path as GRDB's JSON encoder for Codable columns writes it.
    private static func pathJSON(_ path: [String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(path), as: UTF8.self)
    }
}
