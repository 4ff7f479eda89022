import Foundation
import Testing
import VPBXConsole
import VPBXControl

@Suite("ConsoleModel: queues and agents")
struct CallCenterModelTests {
    func loaded(_ snapshot: ConsoleSnapshot = Fixtures.callCenterSnapshot()) -> ConsoleState {
        var state = ConsoleState()
        _ = state.apply(.synced(snapshot))
        return state
    }

    @Test("the snapshot loads queues by name and agents by number")
    func snapshotLoadsQueuesAndAgents() {
        let state = loaded()
        #expect(state.model.hasCallCenter)
        #expect(state.model.role == .supervisor)
        #expect(state.model.sortedQueues.map(\.queue) == ["sales", "support"])
        #expect(state.model.agents["2003"]?.reason == "lunch")
        #expect(state.model.agents(in: "support").map(\.number) == ["2001", "2002", "2003"])
        #expect(state.model.agents(in: "sales").isEmpty)
    }

    @Test("an engine without a call center means no queues")
    func olderEngineHasNoQueues() {
        let state = loaded(Fixtures.callCenterSnapshot(queues: nil, agents: nil))
        #expect(!state.model.hasCallCenter)
        #expect(state.model.queues.isEmpty)
        #expect(state.model.agents.isEmpty)
    }

    @Test("queue and agent events ask the session to fetch, and change nothing by themselves")
    func eventsAskForAFetch() {
        var model = ConsoleModel()
        model.load(Fixtures.callCenterSnapshot())
        let queueEvent = Fixtures.queueChanged(11, "support")
        let agentEvent = Fixtures.agentChanged(12, "2001")
        #expect(ConsoleModel.fetch(after: queueEvent) == .queue("support"))
        #expect(ConsoleModel.fetch(after: agentEvent) == .agents)
        let unchanged = model
        #expect(model.apply(queueEvent) == .needsFetch)
        #expect(model.apply(agentEvent) == .needsFetch)
        #expect(model.queues == unchanged.queues)
        #expect(model.seq == 12)
    }

    @Test("fetched figures of one queue replace that queue only; an empty answer removes it")
    func oneQueueIsReplaced() {
        var state = loaded()
        let busier = Fixtures.queue(waits: [90, 42, 7])
        #expect(state.apply(.callCenter(.queues([busier], only: "support"))).redraw)
        #expect(state.model.queues["support"]?.callsWaiting == 3)
        #expect(state.model.queues["sales"] != nil)
        #expect(!state.apply(.callCenter(.queues([busier], only: "support"))).redraw, "same figures: no redraw")
        _ = state.apply(.callCenter(.queues([], only: "sales")))
        #expect(state.model.queues["sales"] == nil)
        #expect(state.model.queues["support"] != nil)
    }

    @Test("a fetch of all queues and agent.status replace the lists")
    func allQueuesAndAgentsAreReplaced() {
        var state = loaded()
        _ = state.apply(.callCenter(.queues([Fixtures.queue("billing")], only: nil)))
        #expect(state.model.sortedQueues.map(\.queue) == ["billing"])
        let paused = Fixtures.agent("2001", "Kovács Ödön", state: "paused", reason: "break")
        #expect(state.apply(.callCenter(.agents([paused]))).redraw)
        #expect(state.model.agents.count == 1)
        #expect(state.model.agents["2001"]?.stateLabel == "paused (break)")
    }

    @Test("a resync replaces queues and agents wholesale")
    func resyncReplacesCallCenterState() {
        var state = loaded()
        _ = state.apply(.lost(attempt: 1, reason: "gone"))
        #expect(state.model.queues.count == 2, "the last known figures stay while away")
        _ = state.apply(.synced(Fixtures.callCenterSnapshot(seq: 3, queues: [Fixtures.queue("sales")], agents: [])))
        #expect(state.model.sortedQueues.map(\.queue) == ["sales"])
        #expect(state.model.agents.isEmpty)
        #expect(state.model.connection == .connected)
    }

    @Test("durations come from timestamps at render time")
    func durationsAreComputedLocally() throws {
        let state = loaded()
        let support = try #require(state.model.queues["support"])
        #expect(state.model.longestWait(in: support, now: Fixtures.now) == 42)
        #expect(state.model.longestWait(in: support, now: Fixtures.now + 10) == 52)
        let agent = try #require(state.model.agents["2002"])
        #expect(agent.secondsInState(now: Fixtures.now + 5) == 130)
        #expect(state.model.waitingCallers(in: "support").map(\.callID) == ["w1", "w2"])
    }
}

@Suite("Fetch coalescing")
struct FetchCoalescerTests {
    @Test("a request while idle starts a fetch at once")
    func idleStartsAtOnce() {
        var coalescer = FetchCoalescer()
        #expect(coalescer.request(.one("support")) == .one("support"))
        #expect(coalescer.inFlight)
        #expect(coalescer.finished() == nil)
        #expect(!coalescer.inFlight)
    }

    @Test("a burst while one fetch runs becomes exactly one more fetch")
    func burstBecomesOneMoreFetch() {
        var coalescer = FetchCoalescer()
        _ = coalescer.request(.one("support"))
        for _ in 0..<50 { #expect(coalescer.request(.one("support")) == nil) }
        #expect(coalescer.finished() == .one("support"))
        #expect(coalescer.inFlight)
        #expect(coalescer.finished() == nil)
    }

    @Test("requests for several queues while one runs become one fetch of all")
    func severalQueuesBecomeAll() {
        var coalescer = FetchCoalescer()
        _ = coalescer.request(.one("support"))
        _ = coalescer.request(.one("sales"))
        _ = coalescer.request(.one("billing"))
        #expect(coalescer.finished() == .all)
        #expect(coalescer.finished() == nil)
    }

    @Test("agents: one kind, at most one fetch in flight")
    func agentsCoalesce() {
        var coalescer = FetchCoalescer()
        #expect(coalescer.request(.all) == .all)
        #expect(coalescer.request(.all) == nil)
        #expect(coalescer.request(.all) == nil)
        #expect(coalescer.finished() == .all)
        #expect(coalescer.finished() == nil)
        coalescer.reset()
        #expect(coalescer.request(.all) == .all)
    }
}
