import DequeModule

/// Deadlines with payloads, popped when due. The owner of many transactions keeps one of these
/// and a single periodic tick instead of one scheduled task per timer: at thousands of calls
/// per second that is the difference between an append and a trip through the event loop's
/// scheduler.
///
/// A hashed timing wheel (Varghese and Lauck): deadlines within ``horizon`` wait in the slot of
/// their ``resolution``-long tick, so scheduling is an append and popping visits only the slots
/// time has passed. Nearly every SIP timer (T1 retransmits up to 64·T1 = 32 s) fits; later
/// ones wait in a small min-heap beside it. At 2,000 calls/s the core holds about 300,000
/// timers (most never fire: their transaction ended first); the binary heap this replaced
/// sifted through all of them on every push and pop, about 3.5 % of the engine's time
/// (stop 17).
public struct TimerQueue<Payload: Sendable>: Sendable {
    /// A deadline in the wheel. Nanoseconds since ``origin`` rather than an `Instant` (8 bytes
    /// instead of 16) and no sequence number: a SIP call keeps about ten timers for up to 32 s,
    /// and entries were about a tenth of the engine's memory per call. Ties keep their
    /// insertion order without one: a deadline's entries share a slot, appended in order, and
    /// the sort below is stable.
    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline let deadline: Int64
        @usableFromInline let payload: Payload

        @inlinable init(deadline: Int64, payload: Payload) {
            self.deadline = deadline
            self.payload = payload
        }
    }

    /// A deadline beyond the wheel's horizon, in the heap, which needs the sequence number to
    /// keep ties in insertion order.
    @usableFromInline
    struct FarEntry: Sendable {
        @usableFromInline let entry: Entry
        @usableFromInline let sequence: UInt64

        @inlinable init(entry: Entry, sequence: UInt64) {
            self.entry = entry
            self.sequence = sequence
        }

        @inlinable func isBefore(_ other: FarEntry) -> Bool {
            entry.deadline < other.entry.deadline || (entry.deadline == other.entry.deadline && sequence < other.sequence)
        }
    }

    /// The width of one slot.
    public static var resolution: Duration { .milliseconds(10) }
    @usableFromInline static var resolutionNanoseconds: Int64 { 10_000_000 }
    @usableFromInline static var slotCount: Int { 4096 }
    /// How far ahead the wheel holds deadlines (about 41 s); later ones wait in the heap.
    public static var horizon: Duration { resolution * slotCount }

    // Inlinable, so the owner's module specializes the queue for its payload: unspecialized,
    // every operation went through generic metadata and witness tables.
    @usableFromInline var slots: [[Entry]]
    /// Deadlines beyond the wheel's horizon when scheduled, as a binary min-heap.
    @usableFromInline var far: [FarEntry] = []
    /// Tick 0 starts here.
    @usableFromInline let origin: ContinuousClock.Instant
    /// The first tick whose slot has not been emptied; every entry in the wheel lies in
    /// `cursor ..< cursor + slotCount`, so a slot holds the entries of one tick only.
    @usableFromInline var cursor: Int64 = 0
    @usableFromInline var nextSequence: UInt64 = 0
    @usableFromInline var storedCount = 0
    /// Deadlines scheduled in order (``schedule(_:at:lane:)``), one queue per lane, earliest
    /// first, in chunks of ``laneChunk`` entries: no slot to grow and no room left behind,
    /// and growing never copies (a queue that doubles its buffer holds the old and the new one
    /// while it copies, and up to half of the new one stays empty). A chunk keeps the entries
    /// already taken from it until it is used up.
    @usableFromInline var lanes: [Deque<LaneChunk>] = []

    @usableFromInline static var laneChunk: Int { 512 }

    /// Up to ``laneChunk`` entries of a lane, taken from `head` on.
    @usableFromInline
    struct LaneChunk: Sendable {
        @usableFromInline var entries: [Entry]
        @usableFromInline var head = 0

        @inlinable init(_ first: Entry) {
            entries = []
            entries.reserveCapacity(TimerQueue.laneChunk)
            entries.append(first)
        }

        @inlinable var isFull: Bool { entries.count == TimerQueue.laneChunk }
        @inlinable var first: Entry? { head < entries.count ? entries[head] : nil }
        @inlinable var last: Entry? { entries.last }
    }

    @inlinable public init() {
        slots = Array(repeating: [], count: Self.slotCount)
        origin = .now
    }

    @inlinable public var count: Int { storedCount }
    @inlinable public var isEmpty: Bool { storedCount == 0 }

    /// The earliest deadline. Walks the wheel up to the first slot in use (up to 4,096 slots):
    /// for an owner with few timers deciding how long it may sleep, for tests and diagnostics.
    public var nextDeadline: ContinuousClock.Instant? {
        var earliest = far.first?.entry.deadline
        for lane in lanes {
            if let first = lane.first?.first?.deadline, earliest.map({ first < $0 }) ?? true { earliest = first }
        }
        for offset in 0..<Self.slotCount {
            let slot = slots[Int((cursor + Int64(offset)) & Int64(Self.slotCount - 1))]
            guard let first = slot.min(by: { $0.deadline < $1.deadline }) else { continue }
            if earliest.map({ first.deadline < $0 }) ?? true { earliest = first.deadline }
            break
        }
        return earliest.map { origin + .nanoseconds($0) }
    }

    /// Every payload waiting, in no particular order; for tests and diagnostics (it walks
    /// the whole wheel).
    public var pendingPayloads: [Payload] {
        slots.flatMap { $0.map(\.payload) } + far.map(\.entry.payload)
            + lanes.flatMap { $0.flatMap { $0.entries[$0.head...].map(\.payload) } }
    }

    /// Schedules `payload` in `lane` (0 to ``laneLimit`` - 1), a queue for deadlines that come
    /// in the order they are scheduled: timers of one fixed delay that are never cancelled,
    /// such as a transaction's wait timers (64·T1 for L, M and J). Most of a short call's
    /// timers are of that kind and wait up to 32 s; in the wheel the slots they share with
    /// cancelled timers (B, F) kept room for those, about half the wheel's memory. A deadline
    /// earlier than the lane's last goes to the wheel, so order never breaks. Lane entries
    /// cannot be cancelled, and fire after wheel entries of exactly the same deadline.
    @inlinable
    public mutating func schedule(_ payload: Payload, at deadline: ContinuousClock.Instant, lane: Int) {
        precondition((0..<Self.laneLimit).contains(lane), "lane \(lane) is not in 0..<\(Self.laneLimit)")
        let nanoseconds = self.nanoseconds(of: deadline)
        while lanes.count <= lane { lanes.append(Deque()) }
        if let last = lanes[lane].last?.last, last.deadline > nanoseconds {
            schedule(payload, at: deadline)
            return
        }
        let entry = Entry(deadline: nanoseconds, payload: payload)
        if lanes[lane].isEmpty || lanes[lane][lanes[lane].count - 1].isFull {
            lanes[lane].append(LaneChunk(entry))
        } else {
            lanes[lane][lanes[lane].count - 1].entries.append(entry)
        }
        storedCount += 1
    }

    public static var laneLimit: Int { 8 }

    @inlinable
    public mutating func schedule(_ payload: Payload, at deadline: ContinuousClock.Instant) {
        let nanoseconds = self.nanoseconds(of: deadline)
        let entry = Entry(deadline: nanoseconds, payload: payload)
        storedCount += 1
        let tick = Swift.max(Self.tick(ofNanoseconds: nanoseconds), cursor)  // overdue: the current slot
        guard tick - cursor < Int64(Self.slotCount) else {
            far.append(FarEntry(entry: entry, sequence: nextSequence))
            nextSequence &+= 1
            siftUp(far.count - 1)
            return
        }
        slots[Int(tick & Int64(Self.slotCount - 1))].append(entry)
    }

    /// Removes the first entry scheduled at exactly `deadline` whose payload `matches`, if it
    /// is still in the wheel; false otherwise (fired already, or beyond the horizon, where it
    /// is left to fire). For timers that are known to be stale long before they are due (a
    /// transaction's timeout once its final response arrived, a call's no-answer timer once
    /// it ended): each would otherwise stay for up to 64·T1, about a third of a short call's
    /// timers. One slot is searched: the entries of one 10 ms tick.
    @inlinable
    @discardableResult
    public mutating func cancel(at deadline: ContinuousClock.Instant, where matches: (Payload) -> Bool) -> Bool {
        let nanoseconds = self.nanoseconds(of: deadline)
        let tick = Self.tick(ofNanoseconds: nanoseconds)
        guard tick >= cursor, tick - cursor < Int64(Self.slotCount) else { return false }
        let index = Int(tick & Int64(Self.slotCount - 1))
        guard let position = slots[index].firstIndex(where: { $0.deadline == nanoseconds && matches($0.payload) }) else {
            return false
        }
        slots[index].remove(at: position)  // keeps the slot's insertion order
        // A slot left empty lets go of its room at once rather than when it comes due.
        if slots[index].isEmpty { slots[index] = [] }
        storedCount -= 1
        return true
    }

    /// Removes and returns every payload due at `now`, earliest first (ties in insertion order).
    @inlinable
    public mutating func popDue(now: ContinuousClock.Instant) -> [Payload] {
        var payloads: [Payload] = []
        takeDue(now: now).forEach { payloads.append($0) }
        return payloads
    }

    /// Removes every entry due at `now` and hands them over, earliest first (ties in insertion
    /// order; a lane's entry after the wheel's of the same deadline), for
    /// ``DueTimers/forEach(_:)``. The wheel's entries are moved, not copied: a copy of an entry
    /// costs a reference count per string in its payload (the core's timers carry transaction
    /// keys), and the core takes thousands a second. A lane's are copied, one at a time from
    /// their chunk, which lets go of them all when it is used up. The owner may schedule again
    /// while it goes through them, since they are no longer the queue's.
    @inlinable
    public mutating func takeDue(now: ContinuousClock.Instant) -> DueTimers {
        let nowNanoseconds = nanoseconds(of: now)
        let nowTick = Self.tick(ofNanoseconds: nowNanoseconds)
        guard storedCount > 0 else {
            cursor = Swift.max(cursor, nowTick)
            return DueTimers(entries: [])
        }
        var due: [Entry] = []
        // Slots of ticks already over hold only due entries; the current tick's slot may hold
        // some later in the tick, which stay.
        while cursor < nowTick {
            let index = Int(cursor & Int64(Self.slotCount - 1))
            if !slots[index].isEmpty {
                // An emptied slot keeps no capacity: the slot is next used 41 s later, by
                // other timers (a spare array handed on, and slots kept at the size they grew
                // to while cancelled timers left room in them, were half the wheel's memory).
                if due.isEmpty {
                    swap(&due, &slots[index])
                } else {
                    due.append(contentsOf: slots[index])
                    slots[index] = []
                }
            }
            cursor += 1
        }
        let current = Int(cursor & Int64(Self.slotCount - 1))
        if !slots[current].isEmpty {
            var waiting: [Entry] = []
            for entry in slots[current] {
                if entry.deadline <= nowNanoseconds { due.append(entry) } else { waiting.append(entry) }
            }
            if waiting.count != slots[current].count { slots[current] = waiting }
        }
        for lane in lanes.indices {
            while let first = lanes[lane].first?.first, first.deadline <= nowNanoseconds {
                due.append(first)
                lanes[lane][0].head += 1
                if lanes[lane][0].head == lanes[lane][0].entries.count { lanes[lane].removeFirst() }
            }
        }
        if let first = far.first, first.entry.deadline <= nowNanoseconds {
            // Before the wheel's: a far entry of the same deadline was scheduled first (the
            // deadline was still beyond the horizon then).
            var farDue: [Entry] = []
            while let first = far.first, first.entry.deadline <= nowNanoseconds { farDue.append(popFar().entry) }
            due = farDue + due
        }
        storedCount -= due.count
        // Stable, so ties stay in insertion order.
        if due.count > 1, !Self.isOrdered(due) { due.sort { $0.deadline < $1.deadline } }
        return DueTimers(entries: due)
    }

    /// A slot taken whole is usually in order already (appended as scheduled); sorting it
    /// anyway was a measurable part of a tick.
    @inlinable
    static func isOrdered(_ entries: [Entry]) -> Bool {
        var index = 1
        while index < entries.count {
            if entries[index].deadline < entries[index - 1].deadline { return false }
            index += 1
        }
        return true
    }

    /// The entries one ``takeDue(now:)`` removed, in firing order.
    public struct DueTimers: Sendable {
        @usableFromInline var entries: [Entry]

        @inlinable init(entries: [Entry]) { self.entries = entries }

        @inlinable public var count: Int { entries.count }

        /// Calls `body` with each payload in place (borrowed, not copied out).
        @inlinable
        public func forEach(_ body: (Payload) throws -> Void) rethrows {
            var index = 0
            while index < entries.count {
                try body(entries[index].payload)
                index += 1
            }
        }
    }

    /// Nanoseconds from ``origin`` to `instant` (negative before it).
    @inlinable
    func nanoseconds(of instant: ContinuousClock.Instant) -> Int64 {
        (instant - origin).wholeNanoseconds
    }

    @inlinable
    static func tick(ofNanoseconds nanoseconds: Int64) -> Int64 {
        nanoseconds < 0 ? -1 : nanoseconds / resolutionNanoseconds
    }

    @inlinable
    mutating func popFar() -> FarEntry {
        let first = far[0]
        let last = far.removeLast()
        if !far.isEmpty {
            far[0] = last
            siftDown(0)
        }
        return first
    }

    @inlinable
    mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard far[child].isBefore(far[parent]) else { return }
            far.swapAt(child, parent)
            child = parent
        }
    }

    @inlinable
    mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < far.count, far[left].isBefore(far[smallest]) { smallest = left }
            if right < far.count, far[right].isBefore(far[smallest]) { smallest = right }
            if smallest == parent { return }
            far.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
