import Foundation
import Logging
import Synchronization
import Testing
import VPBXStore

@testable import VPBXPBX

/// The database refusing writes for a while (a full disk, another program holding a lock):
/// accepted CDRs wait in memory and land once it accepts them again.
@Suite("WriteBehindQueue: store outages", .timeLimit(.minutes(1)))
struct StoreOutageTests {
    /// Refuses every write with an I/O error while `failing`, as SQLite does on a full disk.
    final class OutageWriter: StoreWriter {
        private let state = Mutex<(failing: Bool, refusals: Int, applied: [StoreWrite])>((true, 0, []))
        var refusals: Int { state.withLock { $0.refusals } }
        var applied: [StoreWrite] { state.withLock { $0.applied } }
        func heal() { state.withLock { $0.failing = false } }

        func apply(_ writes: [StoreWrite]) async throws {
            try state.withLock { state in
                if state.failing {
                    state.refusals += 1
                    throw StoreError(.io, "cannot access CDR: database or disk is full")
                }
                state.applied += writes
            }
        }
    }

    @Test("writes refused for an I/O reason are retried past the old five attempts and all land, in order, once the store heals")
    func outageHeals() async throws {
        let writer = OutageWriter()
        let queue = WriteBehindQueue(writer: writer, logger: WriteBehindQueueTests.logger, linger: .zero, holdBack: .zero)
        let calls = (0..<20).map(WriteBehindQueueTests.call)
        for call in calls { queue.enqueue([.cdrBegin(call), WriteBehindQueueTests.finish(call.id)]) }
        // Five refusals took 1.5 s and lost the write before; wait for more than that.
        try await waitUntil { writer.refusals >= 8 }
        let failing = queue.state
        #expect(failing.pending == 40)
        #expect(failing.failingFor != nil)
        #expect(writer.applied.isEmpty)

        writer.heal()
        await queue.drain()
        #expect(writer.applied == calls.flatMap { [StoreWrite.cdrBegin($0), WriteBehindQueueTests.finish($0.id)] })
        let healed = queue.state
        #expect(healed.pending == 0)
        #expect(healed.failingFor == nil)
    }

    @Test("a bounded wait for the writes (before a backup) says false while the store refuses them, keeping them, and true once they land")
    func boundedDrain() async throws {
        let writer = OutageWriter()
        let queue = WriteBehindQueue(writer: writer, logger: WriteBehindQueueTests.logger, linger: .zero, holdBack: .zero)
        for number in 0..<3 { queue.enqueue(.cdrBegin(WriteBehindQueueTests.call(number))) }
        try await waitUntil { writer.refusals >= 1 }
        #expect(await queue.drain(within: .milliseconds(200)) == false)
        #expect(queue.state.pending == 3 && writer.applied.isEmpty, "nothing given up")
        writer.heal()
        #expect(await queue.drain(within: .seconds(20)))
        #expect(queue.state.pending == 0 && writer.applied.count == 3)
    }

    @Test("at shutdown, writes still refused after the grace are given up so that the engine can exit")
    func shutdownGivesUp() async throws {
        let writer = OutageWriter()
        let queue = WriteBehindQueue(writer: writer, logger: WriteBehindQueueTests.logger, linger: .zero, holdBack: .zero)
        for number in 0..<3 { queue.enqueue(.cdrBegin(WriteBehindQueueTests.call(number))) }
        try await waitUntil { writer.refusals >= 1 }
        let started = ContinuousClock.now
        await queue.drain(givingUpAfter: .milliseconds(300))
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(writer.applied.isEmpty)
        #expect(queue.state.pending == 0)
    }

    @Test("a write refused for a reason that cannot heal is given up at once, and the writes after it land")
    func permanentRefusal() async throws {
        let store = InMemoryStore()
        let writer = CountingWriter(InMemoryStoreWriter(store: store))
        let queue = WriteBehindQueue(writer: writer, logger: WriteBehindQueueTests.logger, linger: .zero, holdBack: .zero)
        let orphan = UUID()
        let call = WriteBehindQueueTests.call(1)
        let doomed = WriteBehindQueueTests.finish(orphan)  // no such row: notFound
        queue.enqueue(doomed)
        queue.enqueue(.cdrBegin(call))
        await queue.drain()
        // Tried in its batch and once alone (to tell it from the writes around it), never
        // again: counted rather than timed, so a loaded machine cannot fail or pass it.
        #expect(writer.attempts(of: doomed) == 2, "a permanent refusal was retried")
        let stored = try await InMemoryCDRRepository(store: store).get(id: call.id)
        #expect(stored != nil)
        #expect(queue.state.failingFor == nil)
    }

    @Test("an outage is logged when it starts and then once a minute; a success ends it and says how long it lasted")
    func outageLogCadence() {
        let health = WriteBehindQueue.WriteHealth()
        let start = ContinuousClock.now
        #expect(health.failed(at: start))
        #expect(!health.failed(at: start + .seconds(30)))
        #expect(health.failed(at: start + .seconds(61)))
        #expect(!health.failed(at: start + .seconds(90)))
        #expect(health.succeeded(at: start + .seconds(95)) == .seconds(95))
        #expect(health.succeeded(at: start + .seconds(96)) == nil)
        #expect(health.failed(at: start + .seconds(97)))  // a new outage is said at once
    }

    /// Passes writes on to `inner`, counting how often each was handed over.
    final class CountingWriter: StoreWriter {
        private let inner: any StoreWriter
        private let handedOver = Mutex<[StoreWrite]>([])

        init(_ inner: any StoreWriter) {
            self.inner = inner
        }

        func attempts(of write: StoreWrite) -> Int { handedOver.withLock { $0.filter { $0 == write }.count } }

        func apply(_ writes: [StoreWrite]) async throws {
            handedOver.withLock { $0 += writes }
            try await inner.apply(writes)
        }
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
