import ArgumentParser
import VPBXControl
import VPBXText

/// `vpbx cdr ...`.
struct CDRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cdr", abstract: "Search call detail records.", subcommands: [CDRSearchCommand.self])
}

/// `vpbx cdr search [--since] [--until] [--number] [--disposition] [--encrypted] [--limit N | --all] [--csv]`.
struct CDRSearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Search call detail records, newest first.",
        discussion: """
            Without --limit or --all the newest 100 matching calls are printed, and a note on \
            stderr says when more match. Records are fetched 5,000 at a time, each page from the \
            last record of the one before (one answer of the engine carries at most 10,000); with \
            --csv each page is written as it arrives, so an export of a month or a year needs no \
            more memory than one page; so are --json and the table (whose columns are as wide as \
            the first page needs). \
            Calls still in progress are not listed. The MEDIA column says SRTP for a call whose \
            audio was encrypted while it was answered (JSON: encrypted).
            """)

    /// Records asked for per answer when more are wanted than one answer may carry.
    static let pageSize = 5_000

    @OptionGroup var global: GlobalOptions
    @Option(help: "Calls started at or after this time (ISO-8601 or YYYY-MM-DD).") var since: DateArgument?
    @Option(help: "Calls started before this time (ISO-8601, or YYYY-MM-DD: to the end of that day).") var until: DateArgument?
    @Option(help: "Calls from or to this number.") var number: String?
    @Option(help: "Only calls that ended this way.") var disposition: CallDisposition?
    @Option(help: "Only calls whose audio was (yes) or was not (no) encrypted with SRTP.")
    var encrypted: EncryptedFilter?
    @Option(help: "At most this many records (default 100).") var limit: Int?
    @Flag(help: "Every matching record, however many (an export).") var all = false
    @Flag(help: "Print CSV (with a header row) instead of a table.") var csv = false

    /// MEDIA last, after the columns exports had before it, so that a script reading the CSV
    /// by position still finds them where they were.
    static let headers = [
        "ID", "STARTED", "CALLER", "CALLEE", "DISPOSITION", "DURATION", "BILLABLE", "CAUSE", "HANGUP", "PATH", "MEDIA",
    ]

    func validate() throws {
        if csv, global.json { throw ValidationError("choose one output format: --csv or --json") }
        if let limit, limit <= 0 { throw ValidationError("--limit must be a positive number, e.g. --limit 100") }
        if limit != nil, all { throw ValidationError("choose one: --limit N or --all") }
        if let since, let until, until.endInclusive <= since.date {
            throw ValidationError("--until must be later than --since")
        }
    }

    func run() async throws {
        var filter = CDRSearch.Params(
            since: since?.date, until: until?.endInclusive, number: number.map { HungarianNumber.normalize($0) ?? $0 },
            disposition: disposition, encrypted: encrypted.map { $0 == .yes })
        let wanted = all ? Int.max : (limit ?? 100)
        var table = Output.TableStream(headers: Self.headers)
        var jsonArray = Output.JSONArrayStream()
        let more = try await EngineSession.run(global) { client in
            // Page after page from the last record shown: each answer at most one page, one more
            // than is still wanted when that fits, to tell whether more match than are shown.
            var remaining = wanted
            while true {
                filter.limit = remaining < Self.pageSize ? remaining + 1 : Self.pageSize
                let page = try await client.call(CDRSearch.self, filter)
                if let asked = filter.encrypted, page.contains(where: { $0.encrypted != asked }) {
                    // An engine from before stop 54 ignores the filter: its answer must not
                    // pass for the calls asked for.
                    throw RPCError(
                        code: RPCError.Code.internalError,
                        message: "the engine does not filter call records by encryption (an older engine?)",
                        reason: .internal)
                }
                let shown = Array(page.prefix(remaining))
                if csv {
                    // The header with the first answer: nothing on stdout when the engine
                    // cannot be reached or refuses the search.
                    Output.csv(filter.olderThan == nil ? Self.headers : nil, shown.map(Self.row))
                } else if global.json {
                    jsonArray.append(contentsOf: shown)
                } else {
                    table.append(shown.map(Self.row))
                }
                remaining -= shown.count
                if page.count > shown.count { return true }
                guard let last = page.last, page.count == filter.limit else { return false }
                if let previous = filter.olderThan, page.contains(where: { $0.id == previous.id }) {
                    throw RPCError(
                        code: RPCError.Code.internalError,
                        message: "the engine answered the same page again: it does not page call records (an older engine?)",
                        reason: .internal)
                }
                filter.olderThan = CDRCursor(after: last)
            }
        }
        if global.json {
            jsonArray.finish()
        } else if !csv {
            table.finish()
        }
        if more {
            Output.note("more calls match than the \(wanted) shown: use --limit N or --all for more")
        }
    }

    static func row(_ cdr: CDRInfo) -> [String] {
        [
            cdr.id, Output.date(cdr.startedAt), cdr.caller, cdr.callee, cdr.disposition.rawValue,
            "\(cdr.durationSeconds)", "\(cdr.billableSeconds)", cdr.cause ?? "", cdr.hangupSide?.rawValue ?? "",
            cdr.path?.joined(separator: " > ") ?? "", cdr.encrypted == true ? "SRTP" : "",
        ]
    }
}
