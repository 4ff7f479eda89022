import Foundation
import Synchronization
import Testing
import VPBXACD
import VPBXPBX

/// The queue center between the distributor and the queue applications: instructions out,
/// reports in, cancels through the hook, figures back.
@Suite("Queue center", .timeLimit(.minutes(1)))
struct QueueCenterTests {
    /// What the hooks saw.
    final class Recorder: Sendable {
        let cancelled = Mutex<[String]>([])
        let cancelledExtensions = Mutex<[Set<String>]>([])
        let records = Mutex<[QueueCallRecord]>([])
        let changes = Mutex<[QueueCenterChange]>([])
    }

    private func center(_ recorder: Recorder, queue: QueueSettings, agents: [AgentProfile]) async -> QueueCenter {
        let center = QueueCenter(
            hooks: .init(
                cancelRinging: { callID in recorder.cancelled.withLock { $0.append(callID) } },
                recordsFinished: { records in recorder.records.withLock { $0 += records } },
                cancelExtensions: { _, extensions in recorder.cancelledExtensions.withLock { $0.append(extensions) } },
                changed: { change in recorder.changes.withLock { $0.append(change) } }),
            logger: .init(label: "test"))
        await center.apply(queues: [queue], agents: agents)
        return center
    }

    private func caller(_ id: String, number: String = "1001") -> QueueCaller {
        QueueCaller(callID: id, applicationCallID: "app-\(id)", number: number, name: "Kovács Éva")
    }

    /// Queue `sales` (ring-all, agent 2001 logged in at 1002) with caller `c1` joined: the
    /// center and the offer that rings 2001.
    private func ringingAgent2001(_ recorder: Recorder) async throws -> (QueueCenter, Int) {
        let sales = QueueSettings(name: "sales", strategy: .ringAll, members: [QueueMember(agent: "2001")])
        let center = await center(recorder, queue: sales, agents: [AgentProfile(number: "2001", name: "Éva")])
        try await center.login(agent: "2001", at: "1002", queues: nil)
        let join = try #require(await center.join(queue: "sales", caller: caller("c1")))
        var instructions = join.instructions.makeAsyncIterator()
        let first = await instructions.next()
        guard case .ring(let offer, _, _) = first else { throw NotRung(instruction: first) }
        return (center, offer)
    }

    struct NotRung: Error {
        let instruction: QueueInstruction?
    }

    @Test("a caller joining while an agent is free is told to ring the agent's extension at once; the answer is counted")
    func offeredAndAnswered() async throws {
        let recorder = Recorder()
        let sales = QueueSettings(name: "sales", strategy: .ringAll, members: [QueueMember(agent: "2001")], ringTimeoutSeconds: 15)
        let center = await center(recorder, queue: sales, agents: [AgentProfile(number: "2001", name: "Éva")])
        try await center.login(agent: "2001", at: "1002", queues: nil)

        let join = try #require(await center.join(queue: "sales", caller: caller("c1")))
        var instructions = join.instructions.makeAsyncIterator()
        let first = await instructions.next()
        guard case .ring(let offer, let extensions, let timeout) = first else {
            Issue.record("expected a ring instruction, got \(String(describing: first))")
            return
        }
        #expect(extensions == ["1002"])
        #expect((15...21).contains(timeout))  // the distributor's 15 s plus the core's safety margin

        await center.offerSettled(caller: "c1", offer: offer, result: .connected(answeredBy: "1002"))
        #expect(await instructions.next() == nil)  // handed on: the application is done
        let during = try #require(await center.statistics(of: "sales"))
        #expect(during.today.answered == 1 && during.live.agentsOnCall == 1)
        #expect(await center.agent("2001")?.agent.state == .onCall(caller: "c1"))

        await center.callEnded(callID: "c1")
        let after = try #require(await center.statistics(of: "sales"))
        #expect(after.live.agentsOnCall == 0 && after.live.agentsAvailable == 1)
        // The finished record names the caller's number, not the internal call id.
        #expect(recorder.records.withLock { $0.map(\.caller) } == ["1001"])
        #expect(recorder.records.withLock { $0.first?.agent } == "2001")
    }

    @Test("an agent who transfers a queue call is done with it when the target answers: free again, the record ends there, the call's later end changes nothing")
    func transferredQueueCall() async throws {
        let recorder = Recorder()
        let (center, offer) = try await ringingAgent2001(recorder)
        await center.offerSettled(caller: "c1", offer: offer, result: .connected(answeredBy: "1002"))
        #expect(await center.agent("2001")?.agent.state == .onCall(caller: "c1"))

        await center.callTransferred(callID: "c1")
        #expect(await center.agent("2001")?.agent.state == .available)
        #expect(recorder.records.withLock { $0.map(\.agent) } == ["2001"])
        // The call goes on with the target (a direct call now), then ends.
        await center.observe(callID: "c1", parties: ["1001", "1003"], ended: false)
        await center.callEnded(callID: "c1")
        #expect(recorder.records.withLock { $0.count } == 1)
        let figures = try #require(await center.statistics(of: "sales"))
        #expect(figures.today.answered == 1 && figures.live.agentsOnCall == 0 && figures.live.agentsAvailable == 1)
    }

    @Test("hold of a bridged queue call counts as the agent's hold time; holds before the answer do not")
    func holdTime() async throws {
        let recorder = Recorder()
        let (center, offer) = try await ringingAgent2001(recorder)
        await center.callHeld(callID: "c1", held: true)  // still ringing: not a hold of the agent's
        await center.callHeld(callID: "c1", held: false)
        await center.offerSettled(caller: "c1", offer: offer, result: .connected(answeredBy: "1002"))
        let before = Date()
        await center.callHeld(callID: "c1", held: true)
        try await Task.sleep(for: .milliseconds(1200))
        await center.callHeld(callID: "c1", held: false)
        let elapsed = Date().timeIntervalSince(before)
        await center.callEnded(callID: "c1")
        let statistics = try #require(await center.agent("2001")?.statistics)
        // At least the hold slept, at most the time around it (the earlier hold while ringing did not count).
        #expect(statistics.holdTime >= 1.2 && statistics.holdTime <= elapsed, "hold \(statistics.holdTime) s of \(elapsed) s")
        #expect(statistics.talkTime >= statistics.holdTime)
    }

    @Test("the agent's queue call: ringing, answered, ended into wrap-up; agent.changed at the end and when wrap-up is over")
    func agentsQueueCall() async throws {
        let recorder = Recorder()
        let sales = QueueSettings(
            name: "sales", strategy: .ringAll, members: [QueueMember(agent: "2001")], ringTimeoutSeconds: 15,
            wrapUpSeconds: 1)
        let center = await center(recorder, queue: sales, agents: [AgentProfile(number: "2001", name: "Éva")])
        try await center.login(agent: "2001", at: "1002", queues: nil)
        #expect(await center.queueCall(of: "2001") == nil)

        let join = try #require(await center.join(queue: "sales", caller: caller("c1", number: "+36301234567")))
        var instructions = join.instructions.makeAsyncIterator()
        guard case .ring(let offer, _, _) = await instructions.next() else {
            Issue.record("expected a ring instruction")
            return
        }
        let ringing = try #require(await center.queueCall(of: "2001"))
        #expect(ringing.number == "+36301234567" && ringing.name == "Kovács Éva" && ringing.queue == "sales")
        #expect(ringing.answeredAt == nil && ringing.endedAt == nil)

        await center.offerSettled(caller: "c1", offer: offer, result: .connected(answeredBy: "1002"))
        let talking = try #require(await center.queueCall(of: "2001"))
        #expect(talking.answeredAt != nil && talking.endedAt == nil && talking.joinedAt == ringing.joinedAt)

        recorder.changes.withLock { $0.removeAll() }
        await center.callEnded(callID: "c1")
        #expect(recorder.changes.withLock { $0.contains(.agent("2001")) }, "the end of the call announces the agent")
        guard case .wrapUp = await center.agent("2001")?.agent.state else {
            Issue.record("expected wrap-up")
            return
        }
        let wrapping = try #require(await center.queueCall(of: "2001"))
        #expect(wrapping.callID == "c1" && wrapping.endedAt != nil)

        recorder.changes.withLock { $0.removeAll() }
        // A bound for a wrap-up that never ends, not a speed check (the parallel test run
        // shares two cores among a thousand tests).
        let deadline = ContinuousClock.now + .seconds(30)
        while await center.agent("2001")?.agent.state != .available, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(await center.agent("2001")?.agent.state == .available)
        #expect(recorder.changes.withLock { $0.contains(.agent("2001")) }, "the end of the wrap-up announces the agent")
        #expect(await center.queueCall(of: "2001") == nil)
    }

    @Test("the distributor's ring timeout cancels the ringing through the hook; the late failure is ignored; the next agent is rung")
    func ringTimeoutCancels() async throws {
        let recorder = Recorder()
        let sales = QueueSettings(
            name: "sales", strategy: .linear, members: [QueueMember(agent: "2001"), QueueMember(agent: "2002")],
            ringTimeoutSeconds: 1)
        let center = await center(
            recorder, queue: sales, agents: [AgentProfile(number: "2001", name: "A"), AgentProfile(number: "2002", name: "B")])
        try await center.login(agent: "2001", at: "1002", queues: nil)
        try await center.login(agent: "2002", at: "1003", queues: nil)

        let join = try #require(await center.join(queue: "sales", caller: caller("c1")))
        var instructions = join.instructions.makeAsyncIterator()
        guard case .ring(let firstOffer, let firstExtensions, _) = await instructions.next() else {
            Issue.record("no first offer")
            return
        }
        #expect(firstExtensions == ["1002"])
        // Nobody answers: after 1 s the distributor moves on by itself.
        guard case .ring(_, let secondExtensions, _) = await instructions.next() else {
            Issue.record("no second offer")
            return
        }
        #expect(secondExtensions == ["1003"])
        // The cancel hook runs in a task of its own: it may come after the next instruction.
        try await eventually("the first ringing cancelled") { recorder.cancelled.withLock { $0 } == ["app-c1"] }
        // The core's report of the cancelled ringing arrives late and changes nothing.
        await center.offerSettled(caller: "c1", offer: firstOffer, result: .failed(busy: false))
        #expect(await center.agent("2002")?.agent.state == .ringing(caller: "c1"))
        #expect(await center.agent("2001")?.statistics?.missedOffers == 1)
    }

    @Test("a caller who hangs up while waiting is abandoned; a direct call keeps an agent from queue calls until it ends")
    func abandonAndDirectCalls() async throws {
        let recorder = Recorder()
        let sales = QueueSettings(name: "sales", members: [QueueMember(agent: "2001")], shortAbandonSeconds: 0)
        let center = await center(recorder, queue: sales, agents: [AgentProfile(number: "2001", name: "Éva")])
        try await center.login(agent: "2001", at: "1002", queues: nil)
        // 1002 takes a direct call: not offered queue calls meanwhile.
        await center.observe(callID: "direct", parties: ["1005", "1002"], ended: false)
        #expect(await center.agent("2001")?.agent.state == .otherCall)

        let join = try #require(await center.join(queue: "sales", caller: caller("c1")))
        let waiting = try #require(await center.statistics(of: "sales"))
        #expect(waiting.live.callsWaiting == 1 && waiting.waiting.first?.offeredTo == [])
        #expect(await center.position(of: "c1")?.position == 1)

        // The direct call ends: the waiting caller is offered to the agent at once.
        await center.observe(callID: "direct", parties: [], ended: true)
        var instructions = join.instructions.makeAsyncIterator()
        guard case .ring(_, let extensions, _) = await instructions.next() else {
            Issue.record("no offer after the direct call")
            return
        }
        #expect(extensions == ["1002"])

        await center.callerLeft("c1")
        // The ringing stops (the hook runs in a task of its own).
        try await eventually("ringing cancelled") { recorder.cancelled.withLock { $0 } == ["app-c1"] }
        let after = try #require(await center.statistics(of: "sales"))
        #expect(after.today.abandoned == 1 && after.live.callsWaiting == 0)
        #expect(recorder.records.withLock { $0.first?.outcome } == .abandoned)
    }

    @Test("ring-all: an agent who pauses while their phone rings stops ringing; the others ring on and one answers")
    func partialCancelOfRingAll() async throws {
        let recorder = Recorder()
        let sales = QueueSettings(
            name: "sales", strategy: .ringAll, members: [QueueMember(agent: "2001"), QueueMember(agent: "2002")])
        let center = await center(
            recorder, queue: sales, agents: [AgentProfile(number: "2001", name: "A"), AgentProfile(number: "2002", name: "B")])
        try await center.login(agent: "2001", at: "1002", queues: nil)
        try await center.login(agent: "2002", at: "1003", queues: nil)
        let join = try #require(await center.join(queue: "sales", caller: caller("c1")))
        var instructions = join.instructions.makeAsyncIterator()
        guard case .ring(let offer, let extensions, _) = await instructions.next() else {
            Issue.record("no offer")
            return
        }
        #expect(Set(extensions) == ["1002", "1003"])
        try await center.pause(agent: "2001", reason: "break")
        try await eventually("1002 stops ringing") { recorder.cancelledExtensions.withLock { $0 } == [["1002"]] }
        #expect(recorder.cancelled.withLock { $0 }.isEmpty)  // the offer as a whole goes on
        await center.offerSettled(caller: "c1", offer: offer, result: .connected(answeredBy: "1003"))
        #expect(await center.agent("2002")?.agent.state == .onCall(caller: "c1"))
        #expect(await center.agent("2001")?.agent.state == .paused(reason: "break"))
    }

    @Test("agent operations on unknown agents say so; pausing is seen in the figures")
    func agentOperations() async throws {
        let recorder = Recorder()
        let center = await center(
            recorder, queue: QueueSettings(name: "sales", members: [QueueMember(agent: "2001")]),
            agents: [AgentProfile(number: "2001", name: "Éva")])
        await #expect(throws: ACDError.self) { try await center.login(agent: "9999", at: "1002", queues: nil) }
        await #expect(throws: ACDError.self) { try await center.pause(agent: "9999", reason: "lunch") }
        try await center.login(agent: "2001", at: "1002", queues: ["sales"])
        try await center.pause(agent: "2001", reason: "ebéd")
        #expect(await center.agent("2001")?.agent.state == .paused(reason: "ebéd"))
        let paused = try #require(await center.statistics(of: "sales"))
        #expect(paused.live.agentsPaused == 1)
        try await center.unpause(agent: "2001")
        try await center.logout(agent: "2001")
        #expect(await center.agent("2001")?.agent.state == .loggedOut)
    }
}
