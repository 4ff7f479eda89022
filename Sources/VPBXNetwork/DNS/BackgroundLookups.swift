import Dispatch
import Synchronization

/// Answers looked up on a background queue and kept for callers that must not wait: the first
/// question about a key starts a lookup and gets nil; a key is looked up again every
/// `refresh` while it is asked for, and `retry` after a lookup failed, which keeps the last
/// answer that worked (a DNS server briefly unreachable should not make a provider
/// unreachable too), or `whenFailed` when none ever did.
final class BackgroundLookups<Value: Sendable & Equatable>: Sendable {
    /// Looks `key` up, blocking; nil when the lookup failed.
    typealias Lookup = @Sendable (String) -> Value?
    /// Told of every finished lookup: the key, what it found (nil: failed) and the answer kept
    /// before; for the log.
    typealias Report = @Sendable (String, Value?, Value?) -> Void

    private struct Entry {
        var value: Value?
        var checkedAt: ContinuousClock.Instant?
        var lastFailed = false
        var inFlight = false
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lookup: Lookup
    private let report: Report
    private let refresh: Duration
    private let retry: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let queue: DispatchQueue
    private let whenFailed: Value?

    init(
        queue: DispatchQueue, refresh: Duration, retry: Duration,
        now: @escaping @Sendable () -> ContinuousClock.Instant,
        whenFailed: Value? = nil, lookup: @escaping Lookup, report: @escaping Report
    ) {
        self.whenFailed = whenFailed
        self.queue = queue
        self.refresh = refresh
        self.retry = retry
        self.now = now
        self.lookup = lookup
        self.report = report
    }

    /// The answer for `key` most recently found, or nil while none; starts a lookup in the
    /// background when the key was never looked up or its last lookup is due for renewal.
    func value(for key: String) -> Value? {
        let now = now()
        let (value, start) = entries.withLock { entries -> (Value?, Bool) in
            var entry = entries[key] ?? Entry()
            let due = entry.checkedAt.map { now - $0 >= (entry.lastFailed ? retry : refresh) } ?? true
            let start = due && !entry.inFlight
            if start {
                entry.inFlight = true
                entries[key] = entry
            }
            return (entry.value, start)
        }
        if start { queue.async { self.resolve(key) } }
        return value
    }

    private func resolve(_ key: String) {
        let found = lookup(key)
        let now = now()
        let previous = entries.withLock { entries -> Value? in
            let previous = entries[key]?.value
            entries[key] = Entry(value: found ?? previous ?? whenFailed, checkedAt: now, lastFailed: found == nil)
            return previous
        }
        report(key, found, previous)
    }
}
