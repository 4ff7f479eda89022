import Foundation
import GRDB

/// The SQL of a CDR search, written so that a number's newest calls cost the same whatever
/// the table's age.
///
/// A number is the caller or the callee. As one `caller = ? OR callee = ?` clause SQLite read
/// every row of the number from the two indexes and sorted them all for the newest hundred:
/// 3.1 s for a main number on 1.5 million of a year's 3 million rows (bench/cdr-search).
/// Here each side is its own subquery on a (number, started_at) index, which SQLite walks
/// newest first and stops after `limit` rows; the two short lists are merged (UNION also
/// drops the second copy of a call whose caller and callee are both the number) and cut to
/// `limit` again. The newest `limit` of the union are among the newest `limit` of each side.
enum CDRSearchSQL {
    static let order = "ORDER BY started_at DESC, id DESC"

    static func statement(for query: CDRQuery) -> (sql: String, arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let since = query.since {
            conditions.append("started_at >= ?")
            arguments += [StorageDateText.text(since)]
        }
        if let until = query.until {
            conditions.append("started_at < ?")
            arguments += [StorageDateText.text(until)]
        }
        if let disposition = query.disposition {
            conditions.append("disposition = ?")
            arguments += [disposition.rawValue]
        }
        // Like the disposition, a filter on the rows the time or number index walks, with no
        // index of its own: a two-valued column, and every CDR write would pay for one.
        if let encrypted = query.encrypted {
            conditions.append("encrypted = ?")
            arguments += [encrypted]
        }
        if query.finishedOnly {
            conditions.append("disposition <> ?")
            arguments += [CallDisposition.inProgress.rawValue]
        }
        if let before = query.before {
            // The start bound alone first, so that the time index (or a number's index on
            // (number, started_at)) is read from the position on; ties on the start by id.
            let start = StorageDateText.text(before.startedAt)
            conditions.append("started_at <= ? AND (started_at < ? OR id < ?)")
            arguments += [start, start, CDRRecord.key(before.id)]
        }
        guard let number = query.number else {
            let sql = "SELECT * FROM cdr\(whereClause(conditions)) \(order) LIMIT ?"
            return (sql, arguments + [query.limit])
        }
        func side(_ column: String) -> String {
            "SELECT * FROM (SELECT * FROM cdr\(whereClause(["\(column) = ?"] + conditions)) \(order) LIMIT ?)"
        }
        let sql = "\(side("caller")) UNION \(side("callee")) \(order) LIMIT ?"
        let sideArguments: StatementArguments = [number] + arguments + [query.limit]
        return (sql, sideArguments + sideArguments + [query.limit])
    }

    private static func whereClause(_ conditions: [String]) -> String {
        conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
    }
}
