import Foundation
import Logging
import Synchronization
import Testing
import VPBXStore

@testable import VPBXPBX

/// The core's write-behind queue: batches, order, fallback after a failed batch, drain.
@Suite("WriteBehindQueue")
struct WriteBehindQueueTests {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    static func call(_ number: Int) -> CDRRecord {
        CDRRecord(id: UUID(), sipCallID: "c\(number)@test", caller: "201", callee: "202", startedAt: start)
    }

    static func finish(_ id: UUID) -> StoreWrite {
        .cdrFinish(id: id, answeredAt: nil, endedAt: start, disposition: .failed, cause: "480", hangupSide: .system)
    }

    static var logger: Logger {
        var logger = Logger(label: "vpbx.pbx.tests")
        logger.logLevel = .critical
        return logger
    }

    @Test func writesQueuedWhileABatchCommitsShareTheNextBatchInOrder() async throws {
        let writer = RecordingWriter()
        writer.holdFirstBatch()
        let queue = WriteBehindQueue(writer: writer, logger: Self.logger)
        let calls = (0..<50).map(Self.call)
        for call in calls {
            queue.enqueue(.cdrBegin(call))
            queue.enqueue(Self.finish(call.id))
        }
        writer.releaseFirstBatch()
        await queue.drain()
        let batches = writer.batches
        // Everything arrived in order, in far fewer batches than writes.
        #expect(batches.flatMap { $0 } == calls.flatMap { [StoreWrite.cdrBegin($0), Self.finish($0.id)] })
        #expect(batches.count < 10)
    }

    @Test func aBatchIsNeverLargerThanTheLimit() async throws {
        let writer = RecordingWriter()
        writer.holdFirstBatch()
        let queue = WriteBehindQueue(writer: writer, logger: Self.logger)
        let total = WriteBehindQueue.maximumBatch * 2 + 10
        for number in 0..<total { queue.enqueue(.cdrBegin(Self.call(number))) }
        writer.releaseFirstBatch()
        await queue.drain()
        #expect(writer.batches.allSatisfy { $0.count <= WriteBehindQueue.maximumBatch })
        #expect(writer.batches.flatMap { $0 }.count == total)
    }

    @Test func afterAFailedBatchTheRestIsAppliedOneByOneInOrder() async throws {
        // A finish whose begin is missing fails the batch; the writes around it must not be lost.
        let store = InMemoryStore()
        let cdrs = InMemoryCDRRepository(store: store)
        let queue = WriteBehindQueue(writer: InMemoryStoreWriter(store: store), logger: Self.logger)
        let before = Self.call(1)
        let after = Self.call(2)
        queue.enqueue([.cdrBegin(before), Self.finish(UUID()), .cdrBegin(after), Self.finish(after.id)])
        await queue.drain()
        #expect(try await cdrs.get(id: before.id)?.disposition == .inProgress)
        #expect(try await cdrs.get(id: after.id)?.disposition == .failed)
    }

    @Test func aNonAtomicWriterIsNotAskedToRepeatWhatItApplied() async throws {
        let store = InMemoryStore()
        let cdrs = InMemoryCDRRepository(store: store)
        let writer = RepositoryStoreWriter(cdrs: cdrs, registrations: InMemoryRegistrationRepository(store: store))
        let queue = WriteBehindQueue(writer: writer, logger: Self.logger)
        let first = Self.call(1)
        let second = Self.call(2)
        // The begin of `first` goes in before the batch fails; applying it again would conflict.
        queue.enqueue([.cdrBegin(first), .cdrAnswered(id: UUID(), at: Self.start), .cdrBegin(second)])
        await queue.drain()
        #expect(try await cdrs.get(id: first.id) != nil)
        #expect(try await cdrs.get(id: second.id) != nil)
    }

    @Test func writesTricklingInWithinTheLingerShareOneCommit() async throws {
        // A call's steps arrive milliseconds apart; an idle queue must not commit each alone.
        let writer = RecordingWriter()
        let queue = WriteBehindQueue(writer: writer, logger: Self.logger, linger: .milliseconds(500))
        let calls = (0..<3).map(Self.call)
        for call in calls {
            queue.enqueue(.cdrBegin(call))
            try await Task.sleep(for: .milliseconds(10))
        }
        await queue.drain()
        #expect(writer.batches == [calls.map { StoreWrite.cdrBegin($0) }])
    }

    @Test func drainWaitsForEverythingQueuedBeforeIt() async throws {
        let writer = RecordingWriter()
        writer.holdFirstBatch()
        let queue = WriteBehindQueue(writer: writer, logger: Self.logger)
        let call = Self.call(1)
        queue.enqueue(.cdrBegin(call))
        Task {
            try? await Task.sleep(for: .milliseconds(50))
            writer.releaseFirstBatch()
        }
        await queue.drain()
        #expect(writer.batches.flatMap { $0 } == [.cdrBegin(call)])
    }

    // MARK: Held begins

    @Test func aShortCallsBeginAndFinishReachTheWriterTogetherThoughQueuedBatchesApart() async throws {
        let writer = RecordingWriter()
        let queue = WriteBehindQueue(writer: writer, logger: Self.logger, linger: .milliseconds(5), holdBack: .seconds(5))
        let call = Self.call(1)
        queue.enqueue(.cdrBegin(call))
        try await Task.sleep(for: .milliseconds(60))  // several lingers: the begin would have gone alone
        #expect(writer.batches.isEmpty)
        queue.enqueue(.cdrAnswered(id: call.id, at: Self.start))
        queue.enqueue(Self.finish(call.id))
        try await waitUntil { !writer.batches.isEmpty }
        #expect(writer.batches == [[.cdrBegin(call), .cdrAnswered(id: call.id, at: Self.start), Self.finish(call.id)]])
    }

    /// The mark of an encrypted call is a later step like an answer: held with its begin,
    /// never sent ahead of it (the row would not exist yet), and before its finish.
    @Test func anEncryptedMarkStaysBetweenItsHeldBeginAndItsFinish() async throws {
        let writer = RecordingWriter()
        let queue = WriteBehindQueue(
            writer: writer, logger: Self.logger, linger: .milliseconds(5), holdBack: .seconds(5))
        let call = Self.call(1)
        let other = Self.call(2)
        queue.enqueue(.cdrBegin(call))
        try await Task.sleep(for: .milliseconds(30))
        queue.enqueue(.cdrEncrypted(id: call.id))
        try await Task.sleep(for: .milliseconds(30))
        #expect(writer.batches.isEmpty)
        queue.enqueue(.cdrBegin(other))
        queue.enqueue(Self.finish(call.id))
        try await waitUntil { !writer.batches.isEmpty }
        #expect(writer.batches == [[.cdrBegin(call), .cdrEncrypted(id: call.id), Self.finish(call.id)]])
    }

    @Test func aCallStillGoingHasItsBeginWrittenAfterTheHoldBackWithNothingElseArriving() async throws {
        let writer = RecordingWriter()
        let queue = WriteBehindQueue(writer: writer, logger: Self.logger, linger: .milliseconds(5), holdBack: .milliseconds(50))
        let call = Self.call(1)
        queue.enqueue(.cdrBegin(call))
        try await waitUntil { !writer.batches.isEmpty }
        #expect(writer.batches == [[.cdrBegin(call)]])
        // Its later steps are not held: the row exists now.
        queue.enqueue(Self.finish(call.id))
        await queue.drain()
        #expect(writer.batches == [[.cdrBegin(call)], [Self.finish(call.id)]])
    }

    @Test func drainWritesHeldBeginsAtOnceAndOtherWritesAreNotHeld() async throws {
        let writer = RecordingWriter()
        let queue = WriteBehindQueue(writer: writer, logger: Self.logger, linger: .milliseconds(5), holdBack: .seconds(60))
        let held = Self.call(1)
        let binding = RegistrationRecord(
            extensionNumber: "201", contactURI: "sip:201@192.0.2.1", expiresAt: Self.start, callID: "r1", cseq: 1,
            transport: .udp, sourceHost: "192.0.2.1", sourcePort: 5060, registeredAt: Self.start)
        queue.enqueue(.cdrBegin(held))
        queue.enqueue(.registrationUpsert(binding))
        try await waitUntil { !writer.batches.isEmpty }
        #expect(writer.batches == [[.registrationUpsert(binding)]])
        let clock = ContinuousClock()
        let drained = await clock.measure { await queue.drain() }
        #expect(drained < .seconds(30))  // not the hold-back
        #expect(writer.batches.flatMap { $0 } == [.registrationUpsert(binding), .cdrBegin(held)])
    }

    @Test func heldBeginsReleasedTogetherAreWrittenInBatchesWithinTheLimit() async throws {
        let writer = RecordingWriter()
        let queue = WriteBehindQueue(writer: writer, logger: Self.logger, holdBack: .seconds(60))
        let total = WriteBehindQueue.maximumBatch + 100
        let calls = (0..<total).map(Self.call)
        for call in calls { queue.enqueue(.cdrBegin(call)) }
        await queue.drain()
        #expect(writer.batches.allSatisfy { $0.count <= WriteBehindQueue.maximumBatch })
        #expect(writer.batches.flatMap { $0 } == calls.map { .cdrBegin($0) })
    }

    /// Polls `condition` every 5 ms for up to 30 s: a bound for a broken queue, not a speed
    /// check (`swift test` runs a thousand tests at once on two cores; a 5 ms sleep can take
    /// seconds there).
    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting")
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// Records batches; can hold the first one (as a slow commit would) so more writes pile up.
final class RecordingWriter: StoreWriter {
    private struct State {
        var batches: [[StoreWrite]] = []
        var holding = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    var batches: [[StoreWrite]] { state.withLock { $0.batches } }

    func holdFirstBatch() { state.withLock { $0.holding = true } }

    func releaseFirstBatch() {
        let waiter = state.withLock { state in
            state.holding = false
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func apply(_ writes: [StoreWrite]) async throws {
        await withCheckedContinuation { (wake: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { state in
                guard state.holding, state.batches.isEmpty else { return false }
                state.waiter = wake
                return true
            }
            if !wait { wake.resume() }
        }
        state.withLock { $0.batches.append(writes) }
    }
}
