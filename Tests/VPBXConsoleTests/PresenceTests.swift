import Foundation
import Testing
import VPBXConsole
import VPBXControl

@Suite("ConsoleModel: presence")
struct PresenceTests {
    let now = Fixtures.now

    @Test func derivesFreeBusyAndOfflineFromRegistrationsAndCalls() {
        let model = Fixtures.model()  // 1001 → 1002 answered; 1001 and 1002 registered; 1003 not
        #expect(model.presence(of: "1001", now: now) == .busy)
        #expect(model.presence(of: "1002", now: now) == .busy)
        #expect(model.presence(of: "1003", now: now) == .offline)
        #expect(Fixtures.model(calls: []).presence(of: "1001", now: now) == .free)
    }

    @Test func theCalleeRingsAndTheCallerIsBusy() {
        let model = Fixtures.model(calls: [Fixtures.call(state: .ringing, answeredSecondsAgo: nil)])
        #expect(model.presence(of: "1001", now: now) == .busy)
        #expect(model.presence(of: "1002", now: now) == .ringing)
    }

    @Test func busyBeatsRinging() {
        let model = Fixtures.model(calls: [
            Fixtures.call("a", from: "1002", to: "1003"),
            Fixtures.call("b", from: "1001", to: "1002", state: .ringing, answeredSecondsAgo: nil),
        ])
        #expect(model.presence(of: "1002", now: now) == .busy)
    }

    @Test func anUnregisteredExtensionStillRingsWhenCalled() {
        let model = Fixtures.model(calls: [Fixtures.call(to: "1003", state: .dialing, answeredSecondsAgo: nil)])
        #expect(model.presence(of: "1003", now: now) == .ringing)
    }

    @Test func expiredRegistrationsDoNotCount() {
        let model = Fixtures.model(calls: [])
        #expect(model.presence(of: "1001", now: now + 301) == .offline)
    }

    @Test("a phone the contact checks find unreachable is offline (it is not rung); answering or registering again brings it back")
    func unreachableRegistrationIsOffline() {
        var model = Fixtures.model(calls: [])
        let contact = model.liveRegistrations(of: "1001", now: now)[0].contact
        let unreachable = RPCEvent(
            seq: 11, topic: "registration", type: "contact.reachability",
            data: ["extension": .string("1001"), "contact": .string(contact), "status": .string("unreachable")])
        #expect(model.apply(unreachable) == .changed)
        #expect(model.presence(of: "1001", now: now) == .offline)
        var again = unreachable
        again.seq = 12
        #expect(model.apply(again) == .unchanged)
        let reachable = RPCEvent(
            seq: 13, topic: "registration", type: "contact.reachability",
            data: ["extension": .string("1001"), "contact": .string(contact), "status": .string("reachable"), "rttMs": .int(4)])
        #expect(model.apply(reachable) == .changed)
        #expect(model.presence(of: "1001", now: now) == .free)
        var unreachableAgain = unreachable
        unreachableAgain.seq = 14
        #expect(model.apply(unreachableAgain) == .changed)
        let registeredAgain = Fixtures.registrationEvent(15, "registration.added", "1001", contact: contact)
        #expect(model.apply(registeredAgain) == .changed)
        #expect(model.presence(of: "1001", now: now) == .free, "rung again after registering")
        // From registration.list at (re)connection.
        let listed = Registration(
            RegistrationInfo(
                extension: "1001", contact: contact, transport: "udp", source: "10.0.0.1:5060", userAgent: nil,
                expiresAt: now + 300, expiresIn: 300, reachability: .unreachable))
        #expect(listed.unreachable)
    }

    @Test("a static contact the checks find unreachable makes its extension offline until it answers again")
    func unreachableStaticContactIsOffline() {
        var model = Fixtures.model(calls: [])
        var door = Fixtures.toth
        door.staticContact = "sip:1003@10.0.0.3"
        door.staticContactReachability = .unreachable  // as extension.list says
        model.upsert(door)
        #expect(model.presence(of: "1003", now: now) == .offline)
        let answered = RPCEvent(
            seq: 11, topic: "registration", type: "contact.reachability",
            data: ["extension": .string("1003"), "contact": .string("sip:1003@10.0.0.3"), "status": .string("reachable")])
        #expect(model.apply(answered) == .changed)
        #expect(model.presence(of: "1003", now: now) == .free)
        let silent = RPCEvent(
            seq: 12, topic: "registration", type: "contact.reachability",
            data: ["extension": .string("1003"), "contact": .string("sip:1003@10.0.0.3"), "status": .string("unreachable")])
        #expect(model.apply(silent) == .changed)
        #expect(model.presence(of: "1003", now: now) == .offline)
    }

    @Test func staticContactIsFreeAndDisabledIsOffline() {
        var model = Fixtures.model(calls: [])
        var fixed = Fixtures.toth
        fixed.staticContact = "sip:1003@10.0.0.3"
        model.upsert(fixed)
        #expect(model.presence(of: "1003", now: now) == .free)
        var disabled = Fixtures.kovacs
        disabled.enabled = false
        model.upsert(disabled)
        #expect(model.presence(of: "1001", now: now) == .offline)
    }

    @Test func legsCountForPartiesBeyondCallerAndCallee() {
        var call = Fixtures.call(from: "1001", to: "600", state: .ringing, answeredSecondsAgo: nil)
        call.legs = [CallLegInfo(id: "l1", party: "1003", state: .ringing)]
        let model = Fixtures.model(calls: [call])
        #expect(model.presence(of: "1003", now: now) == .ringing)
    }
}
