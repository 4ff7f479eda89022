import Foundation

/// One countable thing that happened to a caller in a queue. The live counters and the report
/// recomputed from `QueueCallRecord`s both go through `QueueTotals.apply`, each event counted
/// at the instant it happened, so the two agree by construction (and a test checks it).
public enum QueueEvent: Sendable, Equatable {
    /// The caller entered the queue (counted as offered).
    case joined
    /// The caller was turned away on arrival (queue full or empty); not offered.
    case rejected
    /// An agent answered after the caller waited `wait` seconds.
    case answered(wait: TimeInterval)
    /// The caller hung up while waiting; `short` when before the short-abandon threshold.
    case abandoned(wait: TimeInterval, short: Bool)
    /// The caller was sent to the overflow destination (max wait, or the queue became empty).
    case overflowed(wait: TimeInterval)
    /// The agent finished the call's after-call work: talk and wrap-up durations.
    case completed(talk: TimeInterval, wrapUp: TimeInterval)
}
