import ArgumentParser
import Crypto
import Foundation
import VPBXControl

/// `vpbx rec ...`: call recordings. Which calls are recorded is an extension's setting
/// (`vpbx ext set N --record on`); how long they are kept is the engine's
/// (`--recording-retention DAYS`).
struct RecordingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rec",
        abstract: "List, export, keep and delete call recordings; show the audit log.",
        discussion: """
            Calls of an extension with 'vpbx ext set NUMBER --record on' are recorded from the answer: \
            a two-channel WAV (the caller left, the callee right) in the engine's data directory, kept \
            for the engine's retention (--recording-retention, default 365 days; 'vpbx rec retain' \
            changes one recording's) and then deleted. 'vpbx call record' starts, pauses and resumes \
            the recording of a call in progress. Exports, retention changes, pauses and deletions \
            are written to the engine's audit log ('vpbx rec audit').
            """,
        subcommands: [
            RecordingListCommand.self, RecordingExportCommand.self, RecordingRetainCommand.self, RecordingDeleteCommand.self,
            RecordingAuditCommand.self,
        ])

    static func describe(_ recording: RecordingInfo) -> String {
        "\(recording.id) \(recording.caller) to \(recording.callee), \(Output.date(recording.startedAt)), "
            + "\(Output.duration(seconds: recording.durationMs / 1000)), \(recording.state)"
    }
}

/// `vpbx rec list [--since] [--until] [--number] [--call] [--deleted] [--limit]`.
struct RecordingListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List call recordings, newest first.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Recordings started at or after this time (ISO-8601 or YYYY-MM-DD).") var since: DateArgument?
    @Option(help: "Recordings started before this time (ISO-8601, or YYYY-MM-DD: to the end of that day).") var until: DateArgument?
    @Option(help: "Calls from or to this number.") var number: String?
    @Option(help: "The recording of this call (its id, as 'vpbx cdr search' shows).") var call: String?
    @Flag(help: "List deleted recordings too (their rows stay, without audio).") var deleted = false
    @Option(help: "At most this many (default 100, at most 10000).") var limit: Int?

    func validate() throws {
        if let limit, !(1...10_000).contains(limit) { throw ValidationError("--limit must be 1 to 10000, e.g. --limit 100") }
    }

    func run() async throws {
        let recordings = try await EngineSession.run(global) {
            try await $0.call(
                RecordingList.self,
                .init(since: since?.date, until: until?.endInclusive, number: number, call: call, includeDeleted: deleted, limit: limit))
        }
        if global.json { return Output.json(recordings) }
        Output.table(
            ["ID", "STARTED", "CALLER", "CALLEE", "DURATION", "STATE", "KEEP UNTIL"],
            recordings.map {
                [
                    $0.id, Output.date($0.startedAt), $0.caller, $0.callee, Output.duration(seconds: $0.durationMs / 1000),
                    $0.state + ($0.deletedReason.map { " (\($0))" } ?? ""), Output.date($0.retainUntil),
                ]
            })
    }
}

/// `vpbx rec export ID FILE [--force]`.
struct RecordingExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Save a call recording's WAV to FILE (audited; checked against its SHA-256).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The recording's id ('vpbx rec list').") var id: String
    @Argument(help: "The WAV file to write.") var file: String
    @Flag(help: "Overwrite FILE if it exists.") var force = false

    func validate() throws {
        if !force, FileManager.default.fileExists(atPath: file) {
            throw ValidationError("'\(file)' exists; add --force to overwrite it, or give another file name")
        }
    }

    struct Exported: Encodable {
        var id: String
        var file: String
        var bytes: Int
        var sha256: String
    }

    func run() async throws {
        let (data, expected) = try await EngineSession.run(global) { client in
            var data = Data()
            var expected: String?
            while true {
                let chunk = try await client.call(RecordingRead.self, .init(id: id, offset: data.count))
                expected = chunk.sha256
                guard let bytes = Data(base64Encoded: chunk.data) else {
                    throw RPCError.internal("the engine sent a piece of the recording that is not base64")
                }
                data.append(bytes)
                if bytes.isEmpty || data.count >= chunk.size { return (data, expected) }
            }
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        if let expected, expected != digest {
            Output.error("the exported recording does not match its SHA-256 (\(expected)): the file changed on the engine's disk")
            throw ExitCode(ExitStatus.engineError)
        }
        do {
            try VoicemailExportCommand.write(data, to: URL(fileURLWithPath: file), overwrite: force)
        } catch {
            Output.error("cannot write '\(file)': \(error.localizedDescription)")
            throw ExitCode(ExitStatus.engineError)
        }
        if global.json { return Output.json(Exported(id: id, file: file, bytes: data.count, sha256: digest)) }
        Output.line("wrote \(file): \(data.count) bytes, sha256 \(digest)")
    }
}

/// `vpbx rec delete ID --reason TEXT`.
struct RecordingDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a call recording's audio before its retention ends, e.g. on an erasure request (audited).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The recording's id ('vpbx rec list').") var id: String
    @Option(help: "Why (goes to the audit log), e.g. \"GDPR erasure request 2026/17\".") var reason: String

    func run() async throws {
        let recording = try await EngineSession.run(global) { try await $0.call(RecordingDelete.self, .init(id: id, reason: reason)) }
        if global.json { return Output.json(recording) }
        Output.line("deleted the audio of \(RecordingCommand.describe(recording))")
    }
}

/// `vpbx rec retain ID --until DAY --reason TEXT`.
struct RecordingRetainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retain",
        abstract: "Keep a call recording until another day: longer (a legal hold) or shorter; at most ten years (audited).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The recording's id ('vpbx rec list').") var id: String
    @Option(help: "Keep it until this day (YYYY-MM-DD: to the end of it) or time (ISO-8601).") var until: DateArgument
    @Option(help: "Why (goes to the audit log), e.g. \"complaint 2026/311\".") var reason: String

    func run() async throws {
        let recording = try await EngineSession.run(global) {
            try await $0.call(RecordingRetain.self, .init(id: id, until: until.endInclusive, reason: reason))
        }
        if global.json { return Output.json(recording) }
        Output.line("keeping \(RecordingCommand.describe(recording)) until \(Output.date(recording.retainUntil))")
    }
}

/// `vpbx rec audit [--limit N]`.
struct RecordingAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the audit log: recordings started, finished, exported and deleted, by whom; checks its integrity.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "The last this many entries (default 100).") var limit: Int?

    func run() async throws {
        let log = try await EngineSession.run(global) { try await $0.call(AuditList.self, .init(limit: limit)) }
        if global.json { return Output.json(log) }
        Output.table(
            ["SEQ", "AT", "ACTOR", "ACTION", "OBJECT", "DETAIL"],
            log.entries.map { ["\($0.seq)", Output.date($0.at), $0.actor, $0.action, $0.object, $0.detail ?? ""] })
        if let line = log.brokenAtLine {
            Output.error("the audit log's chain breaks at line \(line): an entry there or before was changed or removed")
            throw ExitCode(ExitStatus.engineError)
        }
    }
}
