import Foundation
import Testing
import VPBXConsole
import VPBXControl

@Suite("ConsoleModel: events")
struct ConsoleModelTests {
    @Test func callLifecycleAddsUpdatesAndRemoves() {
        var model = Fixtures.model(calls: [])
        let ringing = Fixtures.call("c2", from: "1003", to: "1001", state: .ringing, answeredSecondsAgo: nil)
        #expect(model.apply(Fixtures.callEvent(11, "call.started", ringing)) == .changed)
        #expect(model.calls["c2"]?.state == .ringing)
        var answered = ringing
        answered.state = .answered
        answered.answeredAt = Fixtures.now
        #expect(model.apply(Fixtures.callEvent(12, "call.answered", answered)) == .changed)
        #expect(model.calls["c2"]?.state == .answered)
        #expect(model.apply(Fixtures.callEvent(13, "call.ended", answered)) == .changed)
        #expect(model.calls.isEmpty)
        #expect(model.seq == 13)
    }

    @Test func aMobileAskedToPressOneShowsUntilTheCallsNextEvent() {
        var model = Fixtures.model(calls: [])
        let ringing = Fixtures.call("c3", from: "+36301234567", to: "1003", state: .ringing, answeredSecondsAgo: nil)
        #expect(model.apply(Fixtures.callEvent(11, "call.ringing", ringing)) == .changed)
        #expect(model.confirmingCalls.isEmpty)
        let confirming = Fixtures.confirmingEvent(12, ringing, extension: "1003")
        #expect(model.apply(confirming) == .changed, "the same call, now waiting for the 1")
        #expect(model.confirmingCalls == ["c3": "1003"] && model.calls["c3"]?.state == .ringing)
        var answered = ringing
        answered.state = .answered
        answered.answeredAt = Fixtures.now
        #expect(model.apply(Fixtures.callEvent(13, "call.answered", answered)) == .changed)
        #expect(model.confirmingCalls.isEmpty)
        #expect(model.apply(Fixtures.confirmingEvent(14, answered, extension: "1003")) == .changed)
        #expect(model.apply(Fixtures.callEvent(15, "call.ended", answered)) == .changed)
        #expect(model.confirmingCalls.isEmpty, "an ended call leaves nothing behind")
    }

    @Test func applyingTheSameEventTwiceChangesNothing() {
        var model = Fixtures.model(calls: [])
        let event = Fixtures.callEvent(11, "call.started", Fixtures.call("c9"))
        #expect(model.apply(event) == .changed)
        let once = model
        #expect(model.apply(event) == .unchanged)
        #expect(model == once)
    }

    @Test func eventsTheSnapshotAlreadyHasAreIgnored() {
        var model = Fixtures.model()  // snapshot at seq 10
        let stale = Fixtures.callEvent(7, "call.ended", Fixtures.call())
        #expect(model.apply(stale) == .unchanged)
        #expect(model.calls["c1"] != nil)
    }

    @Test func replayedStateAfterTheSnapshotIsHarmless() {
        var model = Fixtures.model()  // already shows c1 answered
        #expect(model.apply(Fixtures.callEvent(11, "call.answered", Fixtures.call())) == .unchanged)
    }

    @Test func anEndedCallIsNotBroughtBackByALateEvent() {
        var model = Fixtures.model()
        #expect(model.apply(Fixtures.callEvent(11, "call.ended", Fixtures.call())) == .changed)
        #expect(model.apply(Fixtures.callEvent(12, "call.answered", Fixtures.call())) == .unchanged)
        #expect(model.calls.isEmpty)
    }

    @Test func registrationsComeAndGoIdempotently() {
        var model = Fixtures.model()
        let added = Fixtures.registrationEvent(11, "registration.added", "1003", contact: "sip:1003@10.0.0.3")
        #expect(model.apply(added) == .changed)
        #expect(model.liveRegistrations(of: "1003", now: Fixtures.now).count == 1)
        var again = added
        again.seq = 12
        #expect(model.apply(again) == .unchanged)
        let removed = Fixtures.registrationEvent(13, "registration.removed", "1003", contact: "sip:1003@10.0.0.3")
        #expect(model.apply(removed) == .changed)
        var removedAgain = removed
        removedAgain.seq = 14
        #expect(model.apply(removedAgain) == .unchanged)
        #expect(model.liveRegistrations(of: "1003", now: Fixtures.now).isEmpty)
    }

    @Test func extensionEventsAskForTheExtensionOrRemoveIt() {
        var model = Fixtures.model()
        let created = RPCEvent(seq: 11, topic: "extension", type: "extension.created", data: ["number": "1004"])
        #expect(model.apply(created) == .needsExtension("1004"))
        let new = ExtensionInfo(number: "1004", name: "Új Ügyintéző", kind: .agent)
        let inserted = model.upsert(new)
        let insertedAgain = model.upsert(new)
        #expect(inserted)
        #expect(!insertedAgain)
        let deleted = RPCEvent(seq: 12, topic: "extension", type: "extension.deleted", data: ["number": "1004"])
        #expect(model.apply(deleted) == .changed)
        #expect(model.extensions["1004"] == nil)
    }

    @Test func overflowAsksForAResync() {
        var model = Fixtures.model()
        let overflow = RPCEvent(seq: 99, topic: "events", type: RPCEvent.overflowType, data: [:])
        #expect(model.apply(overflow) == .needsResync)
    }

    @Test func unknownEventsAreIgnored() {
        var model = Fixtures.model()
        let event = RPCEvent(seq: 11, topic: "queue", type: "queue.joined", data: ["queue": "support"])
        #expect(model.apply(event) == .unchanged)
    }

    @Test func loadingASnapshotMarksTheConsoleConnected() {
        var model = ConsoleModel()
        #expect(model.connection == .connecting)
        model.load(Fixtures.snapshot())
        #expect(model.connection == .connected)
        #expect(model.extensionNumbers == ["1001", "1002", "1003"])
    }
}
