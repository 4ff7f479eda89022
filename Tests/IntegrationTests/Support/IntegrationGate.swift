import Foundation
import Testing

/// The runtime check in front of the tests that start processes. In CI (`CI` set) they
/// always run, so a missing sipp or engine fails loudly instead of skipping quietly.
/// Elsewhere they run when sipp is installed, unless `VPBX_SKIP_INTEGRATION=1`.
enum IntegrationGate {
    static var isCI: Bool {
        let value = ProcessInfo.processInfo.environment["CI"] ?? ""
        return !value.isEmpty && value != "0" && value.lowercased() != "false"
    }

    static var shouldRun: Bool {
        if isCI { return true }
        if ProcessInfo.processInfo.environment["VPBX_SKIP_INTEGRATION"] == "1" { return false }
        return sippPath != nil
    }

    static let reason: Comment =
        "needs sipp (bash scripts/setup-deps.sh) and the built executables (swift build); always runs when CI is set"

    /// sipp's absolute path, from PATH.
    static var sippPath: String? { ToolPath.find("sipp") }
}
