import Foundation
import Testing

@testable import VPBXControl

/// Runs the real `vpbx` binary against an in-test engine.
@Suite struct CLITests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `vpbx` built next to this test bundle, else in `.build/debug`.
    static func binary() throws -> URL {
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL {
            // .../debug/vpbxPackageTests.xctest (Linux) or .../debug/X.xctest/Contents/MacOS/X
            var directory = executable.deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(directory.appendingPathComponent("vpbx"))
                directory = directory.deletingLastPathComponent()
            }
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/vpbx"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw BinaryMissing(searched: candidates.map(\.path))
        }
        return found
    }

    struct BinaryMissing: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "vpbx binary not found (build it: swift build --product vpbx); looked in \(searched)"
        }
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var json: JSONValue? { try? RPCCoding.makeDecoder().decode(JSONValue.self, from: Data(stdout.utf8)) }
    }

    /// Runs `vpbx arguments`. Unless they say `--timeout` or `patient` is nil, the CLI waits
    /// up to `patient` seconds for each answer: the engines here run inside the test process,
    /// which `swift test`'s parallel run shares with a thousand other tests on two cores, and
    /// there a CLI's usual 10 s was not always enough for an answer.
    static func vpbx(_ arguments: [String], environment: [String: String] = [:], patient: Int? = 60) async throws -> Run {
        let binary = try binary()
        let arguments =
            if let patient, !arguments.contains("--timeout") { arguments + ["--timeout", String(patient)] } else { arguments }
        // Blocking pipe reads and waits run on a thread of their own, off the cooperative
        // pool, which the in-test engine needs (``onOwnThread(_:)``).
        return try await onOwnThread { try runBlocking(binary, arguments, environment) }
    }

    private static func runBlocking(_ binary: URL, _ arguments: [String], _ environment: [String: String]) throws -> Run
    {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // stderr goes to a file so that only one pipe needs draining while the child runs.
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-t-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        let outData = try out.fileHandleForReading.readToEnd() ?? Data()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    @Test func extensionLifecycleWithJSONOutput() async throws {
        let engine = try await StubEngine()
        let socket = ["--socket", engine.socketPath]
        let add = try await Self.vpbx(
            [
                "ext", "add", "101", "--name", "Kovács Éva", "--password", "pw", "--type", "mobile", "--mobile",
                "06 30 123 4567", "--json",
            ] + socket)
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.json?["mobileNumber"] == "+36301234567")
        #expect(add.json?["kind"] == "mobile")
        #expect(add.json?["password"] == nil)

        let list = try await Self.vpbx(["ext", "list", "--json"], environment: ["VPBX_SOCKET": engine.socketPath])
        #expect(list.status == 0)
        #expect(list.json == .array([try #require(add.json)]))

        let table = try await Self.vpbx(["ext", "list"] + socket)
        #expect(table.stdout.hasPrefix("NUMBER"))
        #expect(table.stdout.contains("Kovács Éva"))

        let set = try await Self.vpbx(["ext", "set", "101", "--disable", "--json"] + socket)
        #expect(set.json?["enabled"] == false)

        let missing = try await Self.vpbx(["ext", "show", "999", "--json"] + socket)
        #expect(missing.status == 1)
        #expect(missing.json?["error"]?["data"]?["reason"] == "not_found")
        #expect(missing.stderr.contains("no extension 999"))

        let removed = try await Self.vpbx(["ext", "remove", "101"] + socket)
        #expect(removed.status == 0)
        #expect(removed.stdout.contains("removed extension 101"))
        await engine.stop()
    }

    @Test func statusRpcAndCDR() async throws {
        let engine = try await StubEngine()
        let socket = ["--socket", engine.socketPath]
        let status = try await Self.vpbx(["status", "--json"] + socket)
        #expect(status.status == 0)
        #expect(status.json?["status"]?["uptimeSeconds"] == 3723)
        #expect(status.json?["hello"]?["protocolVersion"] == "1")
        let text = try await Self.vpbx(["status"] + socket)
        #expect(text.stdout.contains("2 subscribers; 1 dropped since the start for falling behind"), "\(text.stdout)")

        let rpc = try await Self.vpbx(["rpc", "call.list"] + socket)
        #expect(rpc.status == 0)
        #expect(rpc.json?.intValue == nil)
        #expect(rpc.stdout.contains("\"callerName\" : \"Anna\""))

        let csv = try await Self.vpbx(["cdr", "search", "--since", "2025-01-01", "--limit", "2", "--csv"] + socket)
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.first?.hasPrefix("ID,STARTED,CALLER") == true)
        #expect(lines.last?.contains("\"486 Busy Here, \"\"really\"\"\"") == true)

        let unimplemented = try await Self.vpbx(["reg", "list", "--json"] + socket)
        #expect(unimplemented.status == 1)
        #expect(unimplemented.json?["error"]?["data"]?["reason"] == "unavailable")
        await engine.stop()
    }

    /// More calls than one answer carries: `--all` and a large `--limit` page on from the last
    /// record shown, every record once and in order; a limit says when more match.
    @Test func cdrSearchPagesAnExport() async throws {
        let engine = try await StubEngine()
        let socket = ["--socket", engine.socketPath]
        let expected = StubEngine.records.map(\.id)

        let all = try await Self.vpbx(["cdr", "search", "--all", "--csv"] + socket)
        #expect(all.status == 0, "\(all.stderr)")
        let lines = all.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("ID,STARTED,CALLER") == true)
        #expect(lines.dropFirst().map { String($0.prefix { $0 != "," }) } == expected)
        #expect(all.stderr.isEmpty, "\(all.stderr)")

        let limited = try await Self.vpbx(["cdr", "search", "--limit", "7000", "--json"] + socket)
        #expect(limited.status == 0, "\(limited.stderr)")
        let records = try RPCCoding.makeDecoder().decode([CDRInfo].self, from: Data(limited.stdout.utf8))
        #expect(records.map(\.id) == Array(expected.prefix(7000)))
        #expect(limited.stderr.contains("more calls match than the 7000 shown"))
        // Written page by page, yet exactly what encoding the whole array at once gives.
        let whole = try RPCCoding.makeEncoder(pretty: true).encode(records)
        #expect(limited.stdout == String(decoding: whole, as: UTF8.self) + "\n")
        let exported = try await Self.vpbx(["cdr", "search", "--all", "--json"] + socket)
        let exportedRecords = try RPCCoding.makeDecoder().decode([CDRInfo].self, from: Data(exported.stdout.utf8))
        #expect(exportedRecords.map(\.id) == expected)
        let none = try await Self.vpbx(["cdr", "search", "--number", "9999", "--all", "--json"] + socket)
        let emptyArray = try RPCCoding.makeEncoder(pretty: true).encode([CDRInfo]())
        #expect(none.status == 0 && none.stdout == String(decoding: emptyArray, as: UTF8.self) + "\n")

        let table = try await Self.vpbx(["cdr", "search"] + socket)
        #expect(table.stdout.split(separator: "\n").count == 101)
        #expect(table.stderr.contains("more calls match than the 100 shown"))
        // Over two pages the table is written a page at a time, in the widths of the first.
        let longTable = try await Self.vpbx(["cdr", "search", "--limit", "7000"] + socket)
        let tableLines = longTable.stdout.split(separator: "\n")
        #expect(tableLines.count == 7001, "\(longTable.stderr)")
        #expect(tableLines.dropFirst().map { String($0.prefix { $0 != " " }) } == Array(expected.prefix(7000)))
        let startedColumn = try #require(tableLines.first?.range(of: "STARTED")?.lowerBound.utf16Offset(in: tableLines[0]))
        for line in [tableLines[1], tableLines[5_001], tableLines[7_000]] {
            #expect(line.dropFirst(startedColumn).hasPrefix("20"), "a STARTED cell out of its column: \(line)")
        }

        let both = try await Self.vpbx(["cdr", "search", "--all", "--limit", "5"] + socket)
        #expect(both.status == 2 && both.stderr.contains("--limit N or --all"))
        await engine.stop()
    }

    /// The MEDIA column, last in the table and the CSV, says SRTP for a call whose audio was
    /// encrypted; JSON carries `encrypted`; `--encrypted yes|no` filters on it.
    @Test func cdrSearchShowsAndFiltersEncryptedCalls() async throws {
        let engine = try await StubEngine()
        let socket = ["--socket", engine.socketPath]
        let table = try await Self.vpbx(["cdr", "search", "--limit", "3"] + socket)
        #expect(table.status == 0, "\(table.stderr)")
        let rows = table.stdout.split(separator: "\n")
        #expect(rows.first?.hasSuffix("PATH  MEDIA") == true, "\(table.stdout)")
        #expect(rows.dropFirst().map { $0.hasSuffix("  SRTP") } == [false, true, false], "\(table.stdout)")

        let csv = try await Self.vpbx(["cdr", "search", "--limit", "2", "--csv"] + socket)
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first?.hasSuffix(",HANGUP,PATH,MEDIA") == true, "\(csv.stdout)")
        #expect(lines.dropFirst().map { $0.hasSuffix(",,SRTP") } == [false, true], "\(csv.stdout)")

        let json = try await Self.vpbx(["cdr", "search", "--limit", "2", "--json"] + socket)
        let records = try RPCCoding.makeDecoder().decode([CDRInfo].self, from: Data(json.stdout.utf8))
        #expect(records.map(\.encrypted) == [false, true])
        #expect(json.stdout.contains("\"encrypted\" : true"))

        for (value, expected) in [("yes", true), ("no", false)] {
            let filtered = try await Self.vpbx(
                ["cdr", "search", "--encrypted", value, "--limit", "5", "--json"] + socket)
            #expect(filtered.status == 0, "\(filtered.stderr)")
            let found = try RPCCoding.makeDecoder().decode([CDRInfo].self, from: Data(filtered.stdout.utf8))
            #expect(found.count == 5 && found.allSatisfy { $0.encrypted == expected }, "\(value)")
        }
        await engine.stop()
    }

    /// An engine from before stop 54 ignores the filter: its answer (every call) must not pass
    /// for the encrypted ones. Without the filter its records list as before, MEDIA empty.
    @Test func cdrSearchByEncryptionRefusesAnEngineThatDoesNotFilter() async throws {
        let engine = try await StubEngine(knowsEncryption: false)
        let socket = ["--socket", engine.socketPath]
        let filtered = try await Self.vpbx(["cdr", "search", "--encrypted", "yes"] + socket)
        #expect(filtered.status == 1)
        #expect(filtered.stderr.contains("does not filter call records by encryption"), "\(filtered.stderr)")
        #expect(filtered.stdout.isEmpty, "\(filtered.stdout)")
        let csv = try await Self.vpbx(["cdr", "search", "--limit", "2", "--csv"] + socket)
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.split(separator: "\n").dropFirst().allSatisfy { $0.hasSuffix(",,") }, "\(csv.stdout)")
        await engine.stop()
    }

    @Test func aReportMayTakeLongerThanOtherAnswersUnlessTimedOtherwise() async throws {
        let engine = try await StubEngine()
        let report = ["report", "queue", "--since", "2026-01-01", "--until", "2026-01-02", "--json", "--socket", engine.socketPath]
        // The stub answers after 11 s: past every other command's 10 s, within a report's 300.
        let patient = try await Self.vpbx(report, patient: nil)
        #expect(patient.status == 0, "\(patient.stderr)")
        #expect(try RPCCoding.makeDecoder().decode([QueueReportInfo].self, from: Data(patient.stdout.utf8)).isEmpty)
        let impatient = try await Self.vpbx(report + ["--timeout", "1"])
        #expect(impatient.status == 3)
        #expect(impatient.stderr.contains("did not answer report.queue within 1"), "\(impatient.stderr)")
        await engine.stop()
    }

    @Test(arguments: [
        ["ext", "add", "101", "--name", "A"],  // missing --password
        ["ext", "add", "10a", "--name", "A", "--password", "p"],
        ["ext", "add", "101", "--name", "A", "--password", "p", "--mobile", "06 30 12"],
        ["ext", "add", "101", "--name", "A", "--password", "p", "--type", "phone"],
        ["ext", "add", "101", "--name", "A", "--password", "p", "--type", "mobile"],
        ["ext", "set", "101"],
        ["cdr", "search", "--since", "yesterday"],
        ["cdr", "search", "--csv", "--json"],
        ["cdr", "search", "--encrypted", "maybe"],
        ["rpc", "no.such"],
        ["rpc", "extension.get", "{\"numbr\":\"1\"}"],
        ["rpc", "extension.get", "[1]"],
        ["status", "--timeout", "0"],
        ["frobnicate"],
    ])
    func badUsageExitsTwoWithoutContactingTheEngine(arguments: [String]) async throws {
        let run = try await Self.vpbx(arguments + ["--socket", "/tmp/vpbx-t-none.sock"])
        #expect(run.status == 2, "\(arguments): \(run.stderr)")
        #expect(!run.stderr.isEmpty)
        #expect(!run.stderr.contains("cannot reach"))
    }

    @Test func unreachableEngineExitsThree() async throws {
        let run = try await Self.vpbx(["status"], environment: ["VPBX_SOCKET": "/tmp/vpbx-t-none.sock"])
        #expect(run.status == 3)
        #expect(
            run.stderr.contains(
                "cannot reach the engine at /tmp/vpbx-t-none.sock (is vpbx-engine running? see vpbx-engine(8))"))
        let json = try await Self.vpbx(["ext", "list", "--json", "--socket", "/tmp/vpbx-t-none.sock"])
        #expect(json.status == 3)
        #expect(json.json?["error"]?["data"]?["reason"] == "unreachable")
    }

    /// `vpbx ... | head`: the reader goes away before the output is written. The CLI must end
    /// quietly with 0, not crash (it once trapped inside FileHandle.write on EPIPE).
    @Test func aClosedOutputPipeEndsQuietly() async throws {
        let engine = try await StubEngine()
        let process = Process()
        process.executableURL = try Self.binary()
        process.arguments = ["rpc", "call.list", "--socket", engine.socketPath, "--timeout", "60"]
        let out = Pipe()
        process.standardOutput = out
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-t-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        process.standardError = try FileHandle(forWritingTo: errURL)
        try out.fileHandleForReading.close()  // nobody will ever read
        try process.run()
        try await onOwnThread { process.waitUntilExit() }
        await engine.stop()
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        #expect(process.terminationReason == .exit, "vpbx died of a signal: \(stderr)")
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(!stderr.contains("Fatal error"))
    }

    @Test func eventsPrintsSnapshotThenEventLines() async throws {
        let engine = try await StubEngine()
        await engine.hub.setSnapshotProvider { _ in ["calls": []] }
        let process = Process()
        process.executableURL = try Self.binary()
        process.arguments = ["events", "--topic", "call", "--socket", engine.socketPath, "--timeout", "60"]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        try await waitUntil { await engine.hub.subscriberCount == 1 }
        await engine.hub.publish(topic: "registration", type: "registration.added", data: nil)
        await engine.hub.publish(topic: "call", type: "call.answered", data: ["id": "c1"])
        try await Task.sleep(for: .milliseconds(200))
        await engine.stop()  // ends the stream: vpbx exits 3 (engine gone)
        let output: Data = try await onOwnThread {
            let data = try out.fileHandleForReading.readToEnd() ?? Data()
            process.waitUntilExit()
            return data
        }
        process.waitUntilExit()
        let lines = String(decoding: output, as: UTF8.self)
            .split(separator: "\n").map { try? RPCCoding.makeDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        #expect(lines.count == 2)
        #expect(lines.first??["seq"] == 0)
        #expect(lines.last??["type"] == "call.answered")
        #expect(lines.last??["seq"] == 2)
        #expect(process.terminationStatus == 3)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("closed the event stream"), "\(stderr)")
    }
}
