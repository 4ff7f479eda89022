import Foundation
import Testing

/// The engine's man page must document every option the binary really has.
@Suite("Man pages")
struct ManPageTests {
    @Test("every option in 'vpbx-engine --help' is documented in man/vpbx-engine.8")
    func engineOptionsDocumented() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-man-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("help.txt")
        let status = try await ChildProcess.run(
            try PackageLayout.executable("vpbx-engine"), ["--help"], stdout: out, stderr: scratch.appendingPathComponent("err.txt"),
            timeout: .seconds(20))
        #expect(status == 0)
        let help = String(decoding: try Data(contentsOf: out), as: UTF8.self)
        let options = Set(help.matches(of: /--([a-z][a-z-]+)/).map { String($0.1) }).subtracting(["help", "version"])
        #expect(options.count >= 10, "parsed options: \(options.sorted())")
        let page = try String(contentsOf: PackageLayout.root.appendingPathComponent("man/vpbx-engine.8"), encoding: .utf8)
        for option in options.sorted() {
            #expect(page.contains("Fl \\-\(option)"), "man/vpbx-engine.8 does not document --\(option)")
        }
    }

    @Test("bad usage exits 2 and says what was wrong", arguments: [
        ["--rtp-ports", "abc"], ["--sip-listen", "x:99999"], ["--bogus"], ["--max-calls", "0"], ["--overload-delay", "70000"],
        ["--auth-ban-time", "0"], ["--auth-fail-limit", "10001"], ["--auth-ban-exempt", "10.0.0.0/99"],
        ["--max-tcp-connections", "0"], ["--max-contacts", "0"],
        ["--source-rate-limit", "-1"], ["--relay-threads", "0"], ["--relay-threads", "65"], ["--webhook", "ftp://crm/x"],
        ["--recording-retention", "0"], ["--recording-retention", "3654"], ["--recording-key", "/nonexistent/recording.key"],
        ["--webhook-secret", "/nonexistent/secret"], ["--webhook", "http://127.0.0.1:9/x", "--webhook-secret", "/nonexistent/secret"],
    ])
    func badUsageExitsTwo(arguments: [String]) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-usage-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let errors = scratch.appendingPathComponent("err.txt")
        let status = try await ChildProcess.run(
            try PackageLayout.executable("vpbx-engine"), arguments, stdout: scratch.appendingPathComponent("out.txt"),
            stderr: errors, timeout: .seconds(20))
        #expect(status == 2)
        let message = String(decoding: try Data(contentsOf: errors), as: UTF8.self)
        #expect(message.contains("Error:"), "stderr: \(message)")
    }
}
