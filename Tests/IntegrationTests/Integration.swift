import Testing

/// Root of the tests that start processes (sipp, vpbx-engine, vpbx). Serialized: they share
/// two cores with the rest of the test run, and the SIP timings in the scenarios (pauses,
/// no-answer timeouts) should not compete with each other. See `IntegrationGate` for when
/// they run.
@Suite("Integration", .serialized, .enabled(if: IntegrationGate.shouldRun, IntegrationGate.reason))
struct Integration {}

/// Passwords and numbers shared by the engine tests.
enum Fixture {
    static let caller = "1001"
    static let callee = "1002"
    static func password(_ number: String) -> String { "pw-\(number)-secret" }
}
