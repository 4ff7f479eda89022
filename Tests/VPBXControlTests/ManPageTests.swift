import Foundation
import Testing

/// Every `vpbx` subcommand and option must be documented in man/vpbx.1.
@Suite struct ManPageTests {
    static func manPage() throws -> String {
        try String(contentsOf: CLITests.packageRoot.appendingPathComponent("man/vpbx.1"), encoding: .utf8)
    }

    @Test func everySubcommandIsInTheManPage() async throws {
        let page = try Self.manPage()
        // From `vpbx --help` and each group's help, so the list cannot drift from the code.
        let groups = try await Self.subcommands(of: [])
        #expect(groups.count >= 7)
        for group in groups {
            let leaves = try await Self.subcommands(of: [group])
            if leaves.isEmpty {
                #expect(page.contains(".Cm \(group)"), "\(group) missing from man/vpbx.1")
            }
            for leaf in leaves {
                #expect(page.contains(".Cm \(group) \(leaf)"), "\(group) \(leaf) missing from man/vpbx.1")
            }
        }
    }

    @Test func everyOptionIsInTheManPage() async throws {
        let page = try Self.manPage().replacingOccurrences(of: "\\-", with: "-")
        for command in [
            ["status"], ["ext", "add"], ["ext", "set"], ["cdr", "search"], ["events"], ["rpc"], ["schedule", "add"],
            ["schedule", "set"], ["schedule", "show"], ["schedule", "override"], ["holiday", "list"],
            ["holiday", "add"],
            ["holiday", "swap"], ["route", "add"], ["timecond", "add"], ["timecond", "set"], ["ivr", "add"],
            ["ivr", "set"],
            ["prompt", "list"], ["prompt", "set"], ["prompt", "reset"], ["vm", "list"], ["vm", "play"],
            ["vm", "export"], ["vm", "delete"], ["featurecode", "list"], ["featurecode", "set"],
            ["featurecode", "reset"], ["queue", "add"], ["queue", "set"], ["queue", "member", "add"], ["agent", "add"],
            ["agent", "set"], ["report", "queue"], ["rec", "list"], ["rec", "export"], ["rec", "retain"], ["rec", "delete"], ["rec", "audit"],
            ["trunk", "add"], ["trunk", "set"], ["outroute", "add"], ["outroute", "set"], ["outroute", "test"],
            ["conf", "add"], ["conf", "set"],
        ] {
            let help = try await Self.help(command)
            let options = Set(help.matches(of: /--([a-z][a-z-]+)/).map { String($0.output.1) })
            for option in options where option != "help" {
                #expect(page.contains("Fl -\(option)"), "--\(option) of \(command) missing from man/vpbx.1")
            }
        }
    }

    /// `vpbx COMMAND --help`, run on a thread of its own (``onOwnThread(_:)``): a test blocked
    /// in a child's pipe on the cooperative pool starves the in-test engines of suites running
    /// alongside.
    static func help(_ command: [String]) async throws -> String {
        let binary = try CLITests.binary()
        return try await onOwnThread {
            let process = Process()
            process.executableURL = binary
            process.arguments = command + ["--help"]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = try out.fileHandleForReading.readToEnd() ?? Data()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// Names listed under SUBCOMMANDS in a help text.
    static func subcommands(of command: [String]) async throws -> [String] {
        let help = try await help(command)
        guard let section = help.range(of: "SUBCOMMANDS:") else { return [] }
        let body = help[section.upperBound...].split(separator: "\n\n").first ?? ""
        return body.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
            return line.split(separator: " ").first.map(String.init)
        }
    }
}
