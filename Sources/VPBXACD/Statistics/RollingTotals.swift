import Foundation

/// Queue figures over a rolling window ("the last 15 minutes") without keeping events: a ring
/// of fixed slots, each a `QueueTotals`. An event lands in the slot of its instant; a query sums
/// the slots still inside the window. The window is therefore slot-aligned: at `now` it covers
/// `[windowStart(at: now), now]`, the current partial slot plus the `slotCount - 1` before it.
public struct RollingTotals: Sendable, Equatable {
    public let slotSeconds: TimeInterval
    public let slotCount: Int
    private var slots: [QueueTotals]
    /// The absolute slot number each ring entry holds (Int.min: never used).
    private var slotNumbers: [Int]

    /// A window of `windowSeconds` split into slots of `slotSeconds` (which should divide it).
    public init(windowSeconds: TimeInterval = 900, slotSeconds: TimeInterval = 60) {
        precondition(slotSeconds > 0 && windowSeconds >= slotSeconds, "rolling window needs positive slots")
        self.slotSeconds = slotSeconds
        self.slotCount = Int((windowSeconds / slotSeconds).rounded(.up))
        self.slots = Array(repeating: QueueTotals(), count: slotCount)
        self.slotNumbers = Array(repeating: Int.min, count: slotCount)
    }

    private func slotNumber(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 / slotSeconds).rounded(.down))
    }

    private func ringIndex(_ number: Int) -> Int {
        ((number % slotCount) + slotCount) % slotCount
    }

    /// Counts `event` at `date`. Events older than the slot now in the ring entry are dropped.
    public mutating func apply(_ event: QueueEvent, at date: Date, serviceLevelSeconds: Int) {
        let number = slotNumber(date)
        let index = ringIndex(number)
        if slotNumbers[index] < number {
            slotNumbers[index] = number
            slots[index] = QueueTotals()
        } else if slotNumbers[index] > number {
            return
        }
        slots[index].apply(event, serviceLevelSeconds: serviceLevelSeconds)
    }

    /// The first instant inside the window at `now`.
    public func windowStart(at now: Date) -> Date {
        Date(timeIntervalSince1970: TimeInterval(slotNumber(now) - slotCount + 1) * slotSeconds)
    }

    /// The figures of the window ending at `now`.
    public func totals(at now: Date) -> QueueTotals {
        let current = slotNumber(now)
        var sum = QueueTotals()
        for index in 0..<slotCount where slotNumbers[index] > current - slotCount && slotNumbers[index] <= current {
            sum = sum + slots[index]
        }
        return sum
    }
}
