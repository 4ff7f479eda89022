import Testing

@testable import VPBXPBX

/// The core's input queue (and the write-behind queue's): order, whole bursts per wake-up,
/// limits, wake-up of a sleeping consumer, the end.
@Suite("BatchInbox", .timeLimit(.minutes(1)))
struct BatchInboxTests {
    @Test func aBurstIsTakenWholeAndInOrder() async {
        let inbox = BatchInbox<Int>()
        for value in 0..<100 { inbox.push(value) }
        #expect(await inbox.next() == Array(0..<100))
    }

    @Test func takingWithALimitLeavesTheRestInOrder() async {
        let inbox = BatchInbox<Int>()
        for value in 0..<10 { inbox.push(value) }
        #expect(await inbox.wait())
        #expect(inbox.take(limit: 4) == [0, 1, 2, 3])
        #expect(inbox.count == 6)
        #expect(inbox.take(limit: 100) == Array(4..<10))
        #expect(inbox.take() == [])
    }

    @Test func aSleepingConsumerWakesForTheNextPush() async {
        let inbox = BatchInbox<Int>()
        let consumer = Task { await inbox.next() }
        try? await Task.sleep(for: .milliseconds(50))  // let it go to sleep on the empty queue
        inbox.push(7)
        #expect(await consumer.value == [7])
    }

    @Test func manyProducersLoseNothingAndKeepEachOnesOrder() async {
        let inbox = BatchInbox<(producer: Int, sequence: Int)>()
        let producers = 4
        let perProducer = 5_000
        let consumer = Task {
            var received: [(producer: Int, sequence: Int)] = []
            while received.count < producers * perProducer, let batch = await inbox.next() {
                received += batch
            }
            return received
        }
        await withTaskGroup(of: Void.self) { group in
            for producer in 0..<producers {
                group.addTask {
                    for sequence in 0..<perProducer { inbox.push((producer, sequence)) }
                }
            }
        }
        let received = await consumer.value
        #expect(received.count == producers * perProducer)
        for producer in 0..<producers {
            #expect(received.filter { $0.producer == producer }.map(\.sequence) == Array(0..<perProducer))
        }
    }

    @Test func finishingHandsOverWhatIsQueuedThenEnds() async {
        let inbox = BatchInbox<Int>()
        inbox.push(1)
        inbox.push(2)
        inbox.finish()
        inbox.push(3)  // too late: the core is shutting down
        #expect(await inbox.next() == [1, 2])
        #expect(await inbox.next() == nil)
    }

    @Test func finishingWakesASleepingConsumer() async {
        let inbox = BatchInbox<Int>()
        let consumer = Task { await inbox.next() }
        try? await Task.sleep(for: .milliseconds(50))
        inbox.finish()
        #expect(await consumer.value == nil)
    }

    /// The core judges overload by how long its oldest input waited (``CallAdmission``).
    @Test func aBatchSaysHowLongItsOldestElementWaited() async throws {
        let inbox = BatchInbox<Int>()
        inbox.push(1)
        try await Task.sleep(for: .milliseconds(60))
        inbox.push(2)
        let first = try #require(await inbox.nextTimed())
        #expect(first.elements == [1, 2])
        #expect(first.waited >= .milliseconds(60))
        // An emptied queue starts timing again at its next element, not at the old one.
        try await Task.sleep(for: .milliseconds(60))
        let beforePush = ContinuousClock.now
        inbox.push(3)
        let second = try #require(await inbox.nextTimed())
        let sincePush = ContinuousClock.now - beforePush
        #expect(second.elements == [3])
        #expect(second.waited <= sincePush)
    }

    /// A batch given back keeps its storage for the next one (no array grown from nothing per
    /// burst); a huge one is let go of; the contents are never mixed up.
    @Test func aRecycledBatchHoldsTheNextOne() async throws {
        let inbox = BatchInbox<Int>()
        for value in 0..<100 { inbox.push(value) }
        let first = try #require(await inbox.next())
        let capacity = first.capacity
        inbox.recycle(first)
        inbox.push(100)
        let second = try #require(await inbox.next())
        #expect(second == [100])
        #expect(second.capacity >= capacity)
        // Without a batch given back the queue starts from an empty array again.
        inbox.push(101)
        #expect(await inbox.next() == [101])

        let huge = Array(0..<(BatchInbox<Int>.recycledCapacityLimit + 1))
        inbox.recycle(huge)
        inbox.push(102)
        let third = try #require(await inbox.next())
        #expect(third == [102])
        #expect(third.capacity <= BatchInbox<Int>.recycledCapacityLimit)
    }
}
