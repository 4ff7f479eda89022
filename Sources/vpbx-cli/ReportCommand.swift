import ArgumentParser
import Foundation
import VPBXControl

/// `vpbx report ...`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Reports computed from stored call-center records.",
        subcommands: [ReportQueueCommand.self])
}

/// `vpbx report queue [--queue NAME] --since DATE --until DATE [--interval 15m|1h|1d] [--csv]`.
struct ReportQueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Queue statistics per quarter hour, hour or day.",
        discussion: """
            Buckets start on the exchange's local quarter hours, hours or midnights (Europe/Budapest); the first and \
            last are cut at --since and --until. Service level = answered within the queue's threshold / (answered + \
            abandoned + overflowed); short abandons and rejected callers are left out. ASA is the average wait of \
            answered calls, AHT the average talk + wrap-up of calls completed in the bucket. A report waits up to \
            300 s for the engine unless --timeout says otherwise: every queue call of the period is read, about 2 s \
            for a year of 1.5 million.
            """)

    /// Seconds the answer may take unless `--timeout` says otherwise.
    static let defaultTimeout: Double = 300

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this queue (default: every queue).") var queue: String?
    @Option(help: "Start of the period (ISO-8601, YYYY-MM-DD, 'YYYY-MM-DD HH:MM' local).") var since: DateArgument
    @Option(help: "End of the period, exclusive (YYYY-MM-DD: to the end of that day).") var until: DateArgument
    @Option(help: "Bucket size.") var interval: QueueReportInterval = .hour
    @Flag(help: "Print CSV (a header line, then one line per bucket) instead of a table.") var csv = false

    func validate() throws {
        if csv, global.json { throw ValidationError("choose one output format: --csv or --json") }
        if until.endInclusive <= since.date { throw ValidationError("--until must be later than --since") }
    }

    static let headers = [
        "queue", "start", "end", "offered", "answered", "abandoned", "short_abandoned", "overflowed", "rejected",
        "service_level_pct", "asa_s", "aht_s", "longest_wait_s",
    ]

    func run() async throws {
        let params = ReportQueue.Params(queue: queue, since: since.date, until: until.endInclusive, interval: interval)
        // A year of a big call center's queue calls is millions of rows: seconds, not a hang.
        let reports = try await EngineSession.run(global, defaultTimeout: Self.defaultTimeout) {
            try await $0.call(ReportQueue.self, params)
        }
        if global.json { return Output.json(reports) }
        func number(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "" }
        let rows = reports.flatMap { report in
            report.buckets.map { bucket in
                [
                    report.queue, Output.date(bucket.start), Output.date(bucket.end), "\(bucket.offered)",
                    "\(bucket.answered)", "\(bucket.abandoned)", "\(bucket.shortAbandoned)", "\(bucket.overflowed)",
                    "\(bucket.rejected)", number(bucket.serviceLevelPercent), number(bucket.averageSpeedOfAnswer),
                    number(bucket.averageHandleTime), number(bucket.longestWait),
                ]
            }
        }
        if csv { return Output.csv(Self.headers, rows) }
        Output.table(
            [
                "QUEUE", "START", "END", "OFFERED", "ANSWERED", "ABANDONED", "SHORT", "OVERFLOW", "REJECTED", "SL%",
                "ASA",
                "AHT", "LONGEST",
            ],
            rows.map { $0.map { $0.isEmpty ? "-" : $0 } })
    }
}
