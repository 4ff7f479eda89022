import Foundation
import Testing
import VPBXConsole
import VPBXTerminal

@Suite("Manual page")
struct ManualPageTests {
    static let page = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("man/vpbx-tui.1")

    /// How a key is written in the mdoc source.
    static func mdoc(_ key: Key) -> String {
        switch key {
        case .up: return "\\(ua"
        case .down: return "\\(da"
        case .character("?"): return "\\&?"
        default: return key.description
        }
    }

    @Test func documentsEveryKeyOfTheKeyTable() throws {
        let source = try String(contentsOf: Self.page, encoding: .utf8)
        for binding in KeyTable.standard.bindings + KeyTable.wallboard.bindings {
            for key in binding.keys {
                #expect(source.contains("Ic \(Self.mdoc(key))"), "man/vpbx-tui.1 does not document \(key) (\(binding.action))")
            }
        }
    }

    @Test func documentsTheOptions() throws {
        let source = try String(contentsOf: Self.page, encoding: .utf8)
        for option in [
            "Fl \\-socket", "Fl \\-extension", "Fl \\-help", "Ev VPBX_SOCKET", "Fl \\-wallboard", "Fl \\-queues", "Fl \\-thresholds",
            "Sh QUEUES SCREEN", "Sh WALLBOARD",
        ] {
            #expect(source.contains(option), "man/vpbx-tui.1 lacks \(option)")
        }
    }
}
