import Foundation

/// Accumulated queue figures over some period: since a reset, a rolling window slot, or a
/// report bucket. Plain counters and sums, updated per event (never by scanning history), and
/// additive, so slots and buckets combine with `+`.
///
/// Definitions (docs/call-center.md has the rationale):
/// - offered: callers who entered the queue; rejected ones are counted apart.
/// - abandoned: callers who hung up while waiting, after the short-abandon threshold;
///   shortAbandoned: those who hung up before it. The two never overlap.
/// - service level = answeredWithinServiceLevel / (answered + abandoned + overflowed);
///   short abandons and rejections are not in the denominator.
/// - ASA = totalAnswerWait / answered.
/// - AHT = (totalTalk + totalWrapUp) / completed, over calls whose wrap-up ended in the period.
public struct QueueTotals: Sendable, Equatable, Codable {
    public var offered = 0
    public var rejected = 0
    public var answered = 0
    /// Answered after waiting no longer than the service-level threshold (inclusive).
    public var answeredWithinServiceLevel = 0
    public var abandoned = 0
    public var shortAbandoned = 0
    public var overflowed = 0
    /// Sum of waits of answered calls (seconds).
    public var totalAnswerWait: TimeInterval = 0
    /// Calls whose talk and wrap-up both ended.
    public var completed = 0
    public var totalTalk: TimeInterval = 0
    public var totalWrapUp: TimeInterval = 0
    /// Longest wait of a caller who stopped waiting (answered, abandoned or overflowed).
    public var longestWait: TimeInterval = 0

    public init() {}

    /// Counts one event; `serviceLevelSeconds` decides whether an answer was within the level.
    public mutating func apply(_ event: QueueEvent, serviceLevelSeconds: Int) {
        switch event {
        case .joined:
            offered += 1
        case .rejected:
            rejected += 1
        case .answered(let wait):
            answered += 1
            if wait <= TimeInterval(serviceLevelSeconds) { answeredWithinServiceLevel += 1 }
            totalAnswerWait += wait
            longestWait = max(longestWait, wait)
        case .abandoned(let wait, let short):
            if short { shortAbandoned += 1 } else { abandoned += 1 }
            longestWait = max(longestWait, wait)
        case .overflowed(let wait):
            overflowed += 1
            longestWait = max(longestWait, wait)
        case .completed(let talk, let wrapUp):
            completed += 1
            totalTalk += talk
            totalWrapUp += wrapUp
        }
    }

    /// Fraction (0...1) answered within the threshold, over answered + abandoned + overflowed;
    /// nil when nothing counts yet.
    public var serviceLevel: Double? {
        let denominator = answered + abandoned + overflowed
        guard denominator > 0 else { return nil }
        return Double(answeredWithinServiceLevel) / Double(denominator)
    }

    /// Average speed of answer in seconds; nil before the first answer.
    public var averageSpeedOfAnswer: TimeInterval? {
        answered > 0 ? totalAnswerWait / TimeInterval(answered) : nil
    }

    /// Average handle time (talk + wrap-up) in seconds; nil before the first completed call.
    public var averageHandleTime: TimeInterval? {
        completed > 0 ? (totalTalk + totalWrapUp) / TimeInterval(completed) : nil
    }

    /// Sum of two periods (longest wait is the larger of the two).
    public static func + (lhs: QueueTotals, rhs: QueueTotals) -> QueueTotals {
        var sum = lhs
        sum.offered += rhs.offered
        sum.rejected += rhs.rejected
        sum.answered += rhs.answered
        sum.answeredWithinServiceLevel += rhs.answeredWithinServiceLevel
        sum.abandoned += rhs.abandoned
        sum.shortAbandoned += rhs.shortAbandoned
        sum.overflowed += rhs.overflowed
        sum.totalAnswerWait += rhs.totalAnswerWait
        sum.completed += rhs.completed
        sum.totalTalk += rhs.totalTalk
        sum.totalWrapUp += rhs.totalWrapUp
        sum.longestWait = max(lhs.longestWait, rhs.longestWait)
        return sum
    }
}
