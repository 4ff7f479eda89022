import Foundation

/// A wait that ran out of time; the message says what was awaited and what was seen instead.
struct HarnessTimeout: Error, CustomStringConvertible {
    let description: String
}

/// Polls `probe` until it returns a value or `timeout` passes. Tests wait for asynchronous
/// effects (store writes, media tasks) this way instead of sleeping for a guessed time.
func eventually<T>(
    _ what: String, timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(2),
    _ probe: () async throws -> T?
) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await probe() { return value }
        guard ContinuousClock.now < deadline else { throw HarnessTimeout(description: "timed out after \(timeout) waiting for \(what)") }
        try await Task.sleep(for: interval)
    }
}

/// `eventually` for a condition.
func eventually(_ what: String, timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
    _ = try await eventually(what, timeout: timeout) { try await condition() ? true : nil }
}
