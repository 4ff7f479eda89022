import Testing

@testable import VPBXSignaling

/// The timing wheel pops exactly what a sorted list of deadlines would: everything due,
/// earliest first, ties in insertion order, whether in the wheel or beyond its horizon.
@Suite struct TimerQueueTests {
    @Test func popsInDeadlineOrderThenInsertionOrder() {
        var queue = TimerQueue<String>()
        let now = ContinuousClock.now
        queue.schedule("late", at: now + .seconds(3))
        queue.schedule("first", at: now + .seconds(1))
        queue.schedule("tie-1", at: now + .seconds(2))
        queue.schedule("tie-2", at: now + .seconds(2))
        #expect(queue.popDue(now: now).isEmpty)
        #expect(queue.popDue(now: now + .seconds(2)) == ["first", "tie-1", "tie-2"])
        #expect(queue.count == 1)
        #expect(queue.popDue(now: now + .seconds(10)) == ["late"])
        #expect(queue.isEmpty)
    }

    @Test func withinOneSlotOnlyWhatIsDueLeavesAndInOrder() {
        var queue = TimerQueue<Int>()
        let start = ContinuousClock.now + .seconds(1)
        // Four deadlines inside one 10 ms slot, scheduled out of order.
        for (payload, offset) in [(3, 7), (1, 2), (2, 5), (4, 9)] {
            queue.schedule(payload, at: start + .milliseconds(offset) - .microseconds(1))
        }
        #expect(queue.popDue(now: start + .milliseconds(5)) == [1, 2])
        #expect(queue.popDue(now: start + .milliseconds(5)).isEmpty)
        #expect(queue.popDue(now: start + .milliseconds(8)) == [3])
        #expect(queue.popDue(now: start + .milliseconds(20)) == [4])
    }

    @Test func deadlinesBeyondTheHorizonAndOverdueOnesFireToo() {
        var queue = TimerQueue<String>()
        let now = ContinuousClock.now
        queue.schedule("beyond", at: now + TimerQueue<String>.horizon + .seconds(5))
        queue.schedule("in the wheel", at: now + .seconds(30))
        queue.schedule("overdue", at: now - .seconds(1))
        #expect(queue.nextDeadline == now - .seconds(1))
        #expect(queue.popDue(now: now) == ["overdue"])
        #expect(queue.nextDeadline == now + .seconds(30))
        #expect(queue.popDue(now: now + .seconds(31)) == ["in the wheel"])
        #expect(queue.popDue(now: now + .seconds(45)).isEmpty)
        #expect(queue.popDue(now: now + TimerQueue<String>.horizon + .seconds(5)) == ["beyond"])
        #expect(queue.isEmpty)
    }

    @Test func aTieBetweenTheHeapAndTheWheelFiresInInsertionOrder() {
        var queue = TimerQueue<String>()
        let now = ContinuousClock.now
        let deadline = now + TimerQueue<String>.horizon + .seconds(1)
        queue.schedule("far-1", at: deadline)  // beyond the horizon: the heap
        queue.schedule("far-2", at: deadline)
        #expect(queue.popDue(now: now + .seconds(2)).isEmpty)  // the wheel turns on
        queue.schedule("wheel", at: deadline)  // the same deadline, now inside the horizon
        #expect(queue.popDue(now: deadline) == ["far-1", "far-2", "wheel"])
    }

    @Test func aCancelledEntryNeverFiresAndItsNeighboursKeepTheirOrder() {
        var queue = TimerQueue<String>()
        let now = ContinuousClock.now
        let deadline = now + .seconds(5)
        for name in ["a", "b", "c"] { queue.schedule(name, at: deadline) }
        #expect(queue.cancel(at: deadline) { $0 == "b" })
        #expect(!queue.cancel(at: deadline) { $0 == "b" }, "already gone")
        #expect(!queue.cancel(at: deadline + .milliseconds(1)) { $0 == "a" }, "another deadline")
        #expect(queue.count == 2)
        #expect(queue.popDue(now: deadline) == ["a", "c"])
        #expect(!queue.cancel(at: deadline) { $0 == "a" }, "fired already")
        let far = deadline + TimerQueue<String>.horizon + .seconds(1)  // past the turned wheel
        queue.schedule("far", at: far)
        #expect(!queue.cancel(at: far) { $0 == "far" }, "beyond the horizon it is left to fire")
        #expect(queue.popDue(now: far) == ["far"])
    }

    @Test func aLongGapBetweenPopsLosesNothing() {
        var queue = TimerQueue<Int>()
        let now = ContinuousClock.now
        for second in 0..<100 { queue.schedule(second, at: now + .seconds(second)) }
        // More than the whole wheel turns between two pops.
        #expect(queue.popDue(now: now + .seconds(99)) == Array(0..<100))
    }

    @Test func agreesWithASortedListOverRandomSchedulesAndPops() {
        // A fixed, scrambled sequence (so a failure repeats): Fibonacci hashing of the step,
        // a different bit pattern mixed in per use.
        func scrambled(_ step: Int, _ salt: UInt64) -> UInt64 {
            ((UInt64(step) &* 0x9E37_79B9_7F4A_7C15) ^ (salt &* 0xBF58_476D_1CE4_E5B9)) >> 17
        }
        var queue = TimerQueue<Int>()
        var reference: [(deadline: ContinuousClock.Instant, payload: Int)] = []
        let start = ContinuousClock.now
        var now = start
        for step in 0..<5_000 {
            if scrambled(step, 1) % 3 != 0 {
                // Mostly SIP-like delays, some beyond the horizon, some already past.
                let milliseconds = Int64(scrambled(step, 2) % 60_000) - 500
                let deadline = now + .milliseconds(milliseconds)
                queue.schedule(step, at: deadline)
                reference.append((deadline, step))
            } else {
                now += .milliseconds(Int64(scrambled(step, 3) % 400))
                let expected = reference.filter { $0.deadline <= now }
                    .sorted { $0.deadline < $1.deadline || ($0.deadline == $1.deadline && $0.payload < $1.payload) }
                    .map(\.payload)
                reference.removeAll { $0.deadline <= now }
                // Half the pops the way the core takes them: moved out and gone through in place.
                if step % 2 == 0 {
                    #expect(queue.popDue(now: now) == expected)
                } else {
                    let due = queue.takeDue(now: now)
                    var fired: [Int] = []
                    due.forEach { fired.append($0) }
                    #expect(fired == expected)
                }
                #expect(queue.count == reference.count)
            }
        }
    }

    /// A slot taken whole keeps deadline order even when scheduled out of order, and the owner
    /// may schedule while it goes through what it took (the core's timers start others).
    @Test func takenEntriesFireInOrderAndTheOwnerMaySchedule() {
        var queue = TimerQueue<Int>()
        let start = ContinuousClock.now + .seconds(1)
        for (payload, offset) in [(2, 6), (1, 3), (3, 8)] {
            queue.schedule(payload, at: start + .milliseconds(offset))
        }
        let due = queue.takeDue(now: start + .milliseconds(30))
        #expect(due.count == 3)
        var fired: [Int] = []
        due.forEach { payload in
            fired.append(payload)
            queue.schedule(payload * 10, at: start + .milliseconds(40 + payload))
        }
        #expect(fired == [1, 2, 3])
        #expect(queue.popDue(now: start + .milliseconds(60)) == [10, 20, 30])
        #expect(queue.isEmpty)
    }

    /// Lanes: timers scheduled in deadline order per lane fire merged with the wheel's by
    /// deadline, across the lane's chunks, and count everywhere the queue reports.
    @Test func laneEntriesFireInDeadlineOrderWithTheWheels() {
        var queue = TimerQueue<Int>()
        let start = ContinuousClock.now + .seconds(1)
        let perLane = TimerQueue<Int>.laneChunk * 2 + 10  // three chunks
        for index in 0..<perLane {
            queue.schedule(index, at: start + .milliseconds(index * 2), lane: 0)
            queue.schedule(100_000 + index, at: start + .milliseconds(index * 2 + 1), lane: 1)
        }
        queue.schedule(-1, at: start + .milliseconds(3))  // the wheel, between lane entries
        #expect(queue.count == perLane * 2 + 1)
        #expect(queue.pendingPayloads.count == perLane * 2 + 1)
        #expect(queue.nextDeadline == start)
        // -1 and 100_001 share a deadline: the wheel's entry fires first.
        let first = queue.popDue(now: start + .microseconds(4_500))
        #expect(first == [0, 100_000, 1, -1, 100_001, 2])
        let rest = queue.popDue(now: start + .seconds(10))
        #expect(rest.count == perLane * 2 - 5)
        #expect(rest.first == 100_002 && rest.last == 100_000 + perLane - 1)
        #expect(zip(rest, rest.dropFirst()).allSatisfy { earlier, later in
            (earlier % 100_000) * 2 + (earlier >= 100_000 ? 1 : 0) < (later % 100_000) * 2 + (later >= 100_000 ? 1 : 0)
        })
        #expect(queue.isEmpty && queue.nextDeadline == nil)
    }

    /// A deadline earlier than its lane's last would break the lane's order: it waits in the
    /// wheel instead and still fires in time.
    @Test func anOutOfOrderLaneDeadlineGoesToTheWheel() {
        var queue = TimerQueue<Int>()
        let start = ContinuousClock.now + .seconds(1)
        queue.schedule(2, at: start + .milliseconds(50), lane: 0)
        queue.schedule(1, at: start + .milliseconds(20), lane: 0)
        #expect(queue.count == 2)
        #expect(queue.popDue(now: start + .milliseconds(30)) == [1])
        #expect(queue.popDue(now: start + .milliseconds(60)) == [2])
        #expect(queue.isEmpty)
    }
}
