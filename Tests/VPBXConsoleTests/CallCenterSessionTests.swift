import Foundation
import Synchronization
import Testing
import VPBXConsole
import VPBXControl

/// `EngineSession` against a real control server with stub handlers: the snapshot, the
/// fetches after queue and agent events, and their coalescing, over the real protocol.
@Suite("EngineSession: call-center figures", .serialized)
struct CallCenterSessionTests {
    /// Counts `queue.stats` calls and how many ran at once; each answer takes a while, so
    /// events arriving meanwhile must wait for it.
    final class Counters: Sendable {
        struct State {
            var queueCalls: [String?] = []
            var agentCalls = 0
            var running = 0
            var mostAtOnce = 0
            var waiting = 1
            var selfCalls = 0
            var selfState = "available"
        }
        let state = Mutex(State())

        func begin(_ queue: String?) {
            state.withLock {
                $0.queueCalls.append(queue)
                $0.running += 1
                $0.mostAtOnce = max($0.mostAtOnce, $0.running)
            }
        }
        func end() { state.withLock { $0.running -= 1 } }
    }

    final class Stub: Sendable {
        let socketPath = "/tmp/vpbx-tui-\(UUID().uuidString.prefix(8)).sock"
        let router = ControlRouter()
        let hub = EventHub()
        let server: ControlServer
        let counters = Counters()

        /// `helloRole` overrides the role `engine.hello` reports (the tests run as root, an
        /// admin), so the session behaves as it would for that role.
        init(callCenter: Bool, helloRole: Role? = nil) async throws {
            server = ControlServer(configuration: .init(socketPath: socketPath), router: router, events: hub)
            let counters = self.counters
            router.register(EngineHello.self) { _, context in
                EngineHello.Result(engineVersion: "stub", capabilities: ["events"], role: helloRole ?? context.role)
            }
            router.register(AgentSelf.self) { _, _ in
                let state = counters.state.withLock {
                    $0.selfCalls += 1
                    return $0.selfState
                }
                return Fixtures.agent("2001", "Kovács Ödön", state: state)
            }
            router.register(EngineStatus.self) { _, _ in
                EngineStatus.Result(
                    engineVersion: "stub", startedAt: Fixtures.now, uptimeSeconds: 1, sipListen: [], extensions: 0,
                    registrations: 0, activeCalls: 0)
            }
            router.register(ExtensionList.self) { _, _ in [] }
            router.register(RegistrationList.self) { _, _ in [] }
            router.register(CallList.self) { _, _ in [] }
            if callCenter {
                router.register(QueueStats.self) { params, _ in
                    counters.begin(params.queue)
                    defer { counters.end() }
                    try await Task.sleep(for: .milliseconds(150))
                    let waiting = counters.state.withLock { $0.waiting }
                    let support = Fixtures.queue(waits: Array(repeating: 10, count: waiting))
                    return params.queue == nil || params.queue == "support" ? [support] : []
                }
                router.register(AgentStatus.self) { _, _ in
                    counters.state.withLock { $0.agentCalls += 1 }
                    return Fixtures.agents
                }
            }
            try await server.start()
        }

        func stop() async { await server.stop() }
    }

    /// What a session reported, in order.
    final class Updates: Sendable {
        private let list = Mutex<[EngineSession.Update]>([])
        func append(_ update: EngineSession.Update) { list.withLock { $0.append(update) } }
        var all: [EngineSession.Update] { list.withLock { $0 } }
        var snapshot: ConsoleSnapshot? {
            for case .synced(let snapshot) in all { return snapshot }
            return nil
        }
        /// The console state after applying everything so far.
        var state: ConsoleState {
            var state = ConsoleState()
            for update in all { _ = state.apply(update) }
            return state
        }
    }

    /// Runs a session, collecting what it reports, until `body` returns; waits for the
    /// first snapshot first.
    func withSession(_ stub: Stub, _ body: (Updates) async throws -> Void) async throws {
        let updates = Updates()
        let session = EngineSession(socketPath: stub.socketPath)
        let task = Task { await session.run { updates.append($0) } }
        defer { task.cancel() }
        try await waitUntil("the snapshot") { updates.snapshot != nil }
        try await body(updates)
    }

    /// A bound for a broken session, not a speed check: `swift test` runs a thousand tests at
    /// once on two cores, where 10 s was not always enough for the first snapshot.
    func waitUntil(_ what: String, timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw WaitTimeout(what: what) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct WaitTimeout: Error, CustomStringConvertible {
        let what: String
        var description: String { "timed out waiting for \(what)" }
    }

    @Test("the snapshot carries queues, agents and the role")
    func snapshotLoadsTheCallCenter() async throws {
        let stub = try await Stub(callCenter: true)
        try await withSession(stub) { updates in
            let snapshot = updates.snapshot
            #expect(snapshot?.role == .admin)
            #expect(snapshot?.queues?.map(\.queue) == ["support"])
            #expect(snapshot?.agents?.count == 3)
        }
        await stub.stop()
    }

    @Test("an agent's session loads agent.self, follows only its own agent.changed and no queue events")
    func agentFollowsItsOwnAgent() async throws {
        let stub = try await Stub(callCenter: true, helloRole: .agent)
        try await withSession(stub) { updates in
            #expect(updates.snapshot?.ownAgent?.number == "2001")
            let queueCalls = stub.counters.state.withLock { $0.queueCalls.count }
            await stub.hub.publish(topic: "agent", type: "agent.changed", data: ["agent": "2002"])
            await stub.hub.publish(topic: "queue", type: "queue.changed", data: ["queue": "support"])
            try await Task.sleep(for: .milliseconds(300))
            #expect(stub.counters.state.withLock { $0.selfCalls } == 1, "another agent's change fetches nothing")
            #expect(stub.counters.state.withLock { $0.queueCalls.count } == queueCalls, "no queue topic for agents")
            stub.counters.state.withLock { $0.selfState = "paused" }
            await stub.hub.publish(topic: "agent", type: "agent.changed", data: ["agent": "2001"])
            try await waitUntil("the own agent fetched again") { updates.state.model.ownAgent?.state == "paused" }
            #expect(stub.counters.state.withLock { $0.agentCalls } == 1, "agent.status only in the snapshot")
            #expect(updates.state.stack.screens[0] is AgentScreen)
        }
        await stub.stop()
    }

    @Test("an engine without queue handlers means no queues, not a failed sync")
    func engineWithoutCallCenter() async throws {
        let stub = try await Stub(callCenter: false)
        try await withSession(stub) { updates in
            let state = updates.state
            #expect(state.model.connection == .connected)
            #expect(!state.model.hasCallCenter)
        }
        await stub.stop()
    }

    @Test("a burst of 20 queue.changed events: never two fetches at once, a few fetches in all, the latest figures win")
    func burstsAreCoalesced() async throws {
        let stub = try await Stub(callCenter: true)
        try await withSession(stub) { updates in
            let before = stub.counters.state.withLock { $0.queueCalls.count }  // the snapshot's
            for waiting in 2...21 {
                stub.counters.state.withLock { $0.waiting = waiting }
                await stub.hub.publish(topic: "queue", type: "queue.changed", data: ["queue": "support"])
                await stub.hub.publish(topic: "agent", type: "agent.changed", data: ["agent": "2001"])
            }
            // The last answer carries the last state: 21 callers waiting.
            try await waitUntil("the figures of the last event") {
                updates.state.model.queues["support"]?.callsWaiting == 21
            }
            try await Task.sleep(for: .milliseconds(400))  // nothing more should follow
            let counts = stub.counters.state.withLock { $0 }
            let fetches = counts.queueCalls.count - before
            #expect(
                fetches >= 1 && fetches <= 3,
                "20 events: one fetch, perhaps one while it ran, and one more: \(counts.queueCalls)")
            #expect(counts.queueCalls.dropFirst(before).allSatisfy { $0 == "support" })
            #expect(counts.mostAtOnce == 1, "never two queue.stats at once")
            #expect(counts.agentCalls <= 4, "agent.status: snapshot plus at most three: \(counts.agentCalls)")
            #expect(updates.state.model.agents.count == 3)
        }
        await stub.stop()
    }
}
