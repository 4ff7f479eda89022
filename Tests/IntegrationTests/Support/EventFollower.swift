import Foundation
import VPBXControl

/// `vpbx events` running against one engine, as a wallboard or a CRM connector would follow
/// it: its stdout goes to a file this reads back as the snapshot line and one event a line.
final class EventFollower {
    let process: ChildProcess
    let output: URL
    let errors: URL

    init(_ cli: VPBXCommand, topics: [String] = []) throws {
        let id = UUID().uuidString.prefix(8)
        output = cli.scratch.file("events-\(id).out")
        errors = cli.scratch.file("events-\(id).err")
        let arguments = ["events", "--socket", cli.socket] + topics.flatMap { ["--topic", $0] }
        process = try ChildProcess(cli.executable, arguments, stdout: output, stderr: errors)
    }

    /// The snapshot's seq, once `vpbx events` has printed it (bounded).
    func snapshotSeq() async throws -> UInt64 {
        try await eventually("the snapshot line of 'vpbx events'") {
            guard self.process.isRunning else { throw StopWaiting(reason: "vpbx events ended: \(self.diagnosis)") }
            guard let first = self.completeLines().first else { return nil }
            return try RPCCoding.makeDecoder().decode(EventsSubscribe.Result.self, from: Data(first.utf8)).seq
        }
    }

    /// Every event printed so far (the lines after the snapshot), decoded.
    func events() throws -> [RPCEvent] {
        try completeLines().dropFirst().map { line in
            do {
                return try RPCCoding.makeDecoder().decode(RPCEvent.self, from: Data(line.utf8))
            } catch {
                throw HarnessError("vpbx events printed a line that is not an event (\(error)): \(line)")
            }
        }
    }

    /// What it printed on stderr and the end of its stdout, for failure messages.
    var diagnosis: String {
        let stderr = FileManager.default.contents(atPath: errors.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return "stderr: \(stderr)\nstdout (end): \(tail(of: output, lines: 5))"
    }

    /// SIGTERM, as an operator's Ctrl-C would end it.
    func stop() async { await process.stop(grace: .seconds(5)) }

    /// The lines ended by a newline: the last one may still be being written.
    private func completeLines() -> [String] {
        let bytes = FileManager.default.contents(atPath: output.path) ?? Data()
        guard let end = bytes.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        return String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
