/// Polls `check` until it returns a value, at most `timeout`. On timeout the error names
/// what was awaited and carries the last error `check` threw (use that to say why not yet).
@discardableResult
func eventually<T>(
    _ what: String, timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(200),
    _ check: () async throws -> T?
) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    var lastError: (any Error)?
    while true {
        do {
            if let value = try await check() { return value }
            lastError = nil
        } catch let stop as StopWaiting {
            let reason = lastError.map { "; before that: \($0)" } ?? ""
            throw HarnessError("gave up waiting for \(what): \(stop.reason)\(reason)")
        } catch {
            lastError = error
        }
        if ContinuousClock.now >= deadline { break }
        try await Task.sleep(for: interval)
    }
    let reason = lastError.map { "; last error: \($0)" } ?? ""
    throw HarnessError("timed out after \(timeout) waiting for \(what)\(reason)")
}

/// Thrown from an `eventually` check when waiting longer cannot help (the call it watches has
/// ended, say); the error before it is kept in the message, as it usually says why.
struct StopWaiting: Error {
    var reason: String
}

/// `eventually` for a condition: waits until it holds. (Without it a closure returning a Bool
/// met the generic form, whose `false` is a value, and returned at once.)
func eventually(
    _ what: String, timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(200),
    _ condition: () async throws -> Bool
) async throws {
    try await eventually(what, timeout: timeout, every: interval) { try await condition() ? true : nil }
}
