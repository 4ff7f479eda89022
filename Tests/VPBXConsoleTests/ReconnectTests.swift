import Testing
import VPBXConsole
import VPBXControl

@Suite("Reconnect logic")
struct ReconnectTests {
    @Test func firstLossRetriesAtOnceThenBacksOffToTheCap() {
        var policy = ReconnectPolicy(initialDelay: .milliseconds(500), maximumDelay: .seconds(4))
        #expect(policy.failed() == .connectNow)
        #expect(policy.failed() == .retry(after: .milliseconds(500)))
        #expect(policy.failed() == .retry(after: .seconds(1)))
        #expect(policy.failed() == .retry(after: .seconds(2)))
        #expect(policy.failed() == .retry(after: .seconds(4)))
        #expect(policy.failed() == .retry(after: .seconds(4)))
        #expect(policy.failures == 6)
    }

    @Test func aSuccessfulSyncStartsOver() {
        var policy = ReconnectPolicy()
        _ = policy.failed()
        _ = policy.failed()
        policy.synced()
        #expect(policy.failures == 0)
        #expect(policy.failed() == .connectNow)
    }

    @Test func refreshConnectsNowWithoutCountingAFailure() {
        let policy = ReconnectPolicy()
        #expect(policy.refreshRequested() == .connectNow)
        #expect(policy.failures == 0)
    }

    @Test func consoleGoesFromConnectingToReconnectingAndBack() {
        var state = ConsoleState()
        #expect(state.model.connection == .connecting)
        #expect(state.apply(.lost(attempt: 1, reason: "cannot reach the engine")).redraw)
        #expect(state.model.connection == .reconnecting(attempt: 1, reason: "cannot reach the engine"))
        #expect(!state.apply(.lost(attempt: 1, reason: "cannot reach the engine")).redraw)
        _ = state.apply(.synced(Fixtures.snapshot()))
        #expect(state.model.connection == .connected)
    }

    @Test func resyncReplacesStaleState() {
        var state = ConsoleState()
        _ = state.apply(.synced(Fixtures.snapshot()))
        _ = state.apply(.lost(attempt: 1, reason: "gone"))
        // While away, the call ended and the seq counter restarted with a new engine.
        _ = state.apply(.synced(Fixtures.snapshot(seq: 2, calls: [])))
        #expect(state.model.calls.isEmpty)
        #expect(state.model.seq == 2)
        let event = Fixtures.callEvent(3, "call.started", Fixtures.call("c7"))
        #expect(state.apply(.event(event)).redraw, "events after a restart's lower seq apply")
    }

    @Test func overflowTriggersARefresh() {
        var state = ConsoleState()
        _ = state.apply(.synced(Fixtures.snapshot()))
        let effects = state.apply(.event(RPCEvent(seq: 50, topic: "events", type: RPCEvent.overflowType, data: [:])))
        #expect(effects.commands == [.refresh])
    }
}
