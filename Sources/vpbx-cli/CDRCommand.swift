import ArgumentParser
import VPBXControl

/// `vpbx cdr ...`.
struct CDRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cdr", abstract: "Search call detail records.", subcommands: [CDRSearchCommand.self])
}

/// `vpbx cdr search [--since] [--until] [--number] [--disposition] [--limit] [--csv]`.
struct CDRSearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "Search call detail records, newest first.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Calls started at or after this time (ISO-8601 or YYYY-MM-DD).") var since: DateArgument?
    @Option(help: "Calls started before this time (ISO-8601, or YYYY-MM-DD: to the end of that day).") var until: DateArgument?
    @Option(help: "Calls from or to this number.") var number: String?
    @Option(help: "Only calls that ended this way.") var disposition: CallDisposition?
    @Option(help: "At most this many records.") var limit: Int?
    @Flag(help: "Print CSV (with a header row) instead of a table.") var csv = false

    func validate() throws {
        if csv, global.json { throw ValidationError("choose one output format: --csv or --json") }
        if let limit, limit <= 0 { throw ValidationError("--limit must be a positive number, e.g. --limit 100") }
        if let since, let until, until.endInclusive <= since.date {
            throw ValidationError("--until must be later than --since")
        }
    }

    func run() async throws {
        let params = CDRSearch.Params(
            since: since?.date, until: until?.endInclusive, number: number.map { HungarianNumber.normalize($0) ?? $0 },
            disposition: disposition, limit: limit)
        let records = try await EngineSession.run(global) { try await $0.call(CDRSearch.self, params) }
        if global.json { return Output.json(records) }
        let headers = ["ID", "STARTED", "CALLER", "CALLEE", "DISPOSITION", "DURATION", "BILLABLE", "CAUSE", "HANGUP", "PATH"]
        let rows = records.map { cdr in
            [
                cdr.id, Output.date(cdr.startedAt), cdr.caller, cdr.callee, cdr.disposition.rawValue,
                "\(cdr.durationSeconds)", "\(cdr.billableSeconds)", cdr.cause ?? "", cdr.hangupSide?.rawValue ?? "",
                cdr.path?.joined(separator: " > ") ?? "",
            ]
        }
        csv ? Output.csv(headers, rows) : Output.table(headers, rows)
    }
}
