import Foundation
import Testing
import VPBXControl
import VPBXMedia
import VPBXRTP

extension Integration {
    /// Pickup dialled from a real phone: 1001 calls 1002 (a sipp phone that only rings), 1003
    /// dials *8 (group) or *81002 (directed), or calls 1002 with Replaces naming its ringing
    /// dialog (as a busy lamp key of some phones does), and talks to 1001 through the relay; a
    /// picker whose INVITE has no offer answers the engine's in its ACK.
    @Suite("Pickup from a phone")
    struct PickupCallTests {
        static let picker = "1003"

        @Test(arguments: [
            ("*81002", Scenario.callListen), ("*8", .callListen), ("*81002", .callListenLateOffer),
            (Fixture.callee, .callReplacesListen),
        ])
        func pickUpTheRingingCall(code: String, pickerScenario: Scenario) async throws {
            try await TestPBX.run { pbx in
                let callerEar = try RTPCapture()
                let pickerEar = try RTPCapture()
                let desk = try SippPeer(.ring)
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: desk, number: Fixture.callee))
                try await pbx.addExtension(Self.picker, password: Fixture.password(Self.picker))
                for number in [Fixture.callee, Self.picker] {
                    try await pbx.cli.succeed(["ext", "set", number, "--pickup-group", "reception"])
                }
                let deskProcess = try pbx.start(desk, name: "desk")
                try await Task.sleep(for: .milliseconds(300))
                try await deskProcess.requireListening()
                let caller = try pbx.phone(.callListen).service(Fixture.callee).caller(Fixture.caller)
                    .key("rtp_listen", String(callerEar.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let callerProcess = try pbx.start(caller, name: "caller")
                let ringing = try await eventually("1002 rings") {
                    try await pbx.cli.json([CallInfo].self, ["call", "list"]).first { $0.state == .ringing }
                }

                var picker = try pbx.phone(pickerScenario).service(code).caller(Self.picker)
                    .key("rtp_listen", String(pickerEar.port))
                    .credentials(user: Self.picker, password: Fixture.password(Self.picker))
                if pickerScenario == .callReplacesListen {
                    // The desk's early dialog: the engine's INVITE (Call-ID, its tag) and the
                    // tag the desk's sipp gave its 180 ([pid]uas[call_number]).
                    let invite = try #require(deskProcess.receivedSoFar().first { $0.hasPrefix("INVITE") })
                    let callID = try #require(TransferCallTests.header("Call-ID", in: invite))
                    let engineTag = try #require(TransferCallTests.header("From", in: invite).flatMap(TransferCallTests.tag))
                    picker = picker.key("replaces", "\(callID);to-tag=\(engineTag);from-tag=\(deskProcess.pid)uas1")
                }
                let pickerProcess = try pbx.start(picker, name: "picker")
                let answered = try await eventually("picked up") {
                    try await pbx.cli.json([CallInfo].self, ["call", "list"]).first { $0.state == .answered }
                }
                #expect(answered.id == ringing.id && answered.callee == Self.picker)
                let deskResult = await deskProcess.finish()
                try deskResult.requireSuccess()  // it got the CANCEL
                let cancel = try #require(deskResult.receivedMessages().first { $0.hasPrefix("CANCEL") })
                #expect(cancel.contains("Reason: SIP;cause=200;"), "picked up: its CANCEL says completed elsewhere (RFC 3326)")
                let ports = (answered.legs ?? []).compactMap { $0.mediaPort }
                #expect(ports.count == 2)
                callerEar.talk(frequency: 500, to: UInt16(ports[0]))
                pickerEar.talk(frequency: 1000, to: UInt16(ports[1]))
                try await Task.sleep(for: .seconds(1.5))
                try await pbx.cli.succeed(["call", "hangup", answered.id])
                try await CallWithEars(
                    callerEar: callerEar, calleeEar: pickerEar, callerProcess: callerProcess, calleeProcess: pickerProcess
                ).finish()

                let pickerHeard = pickerEar.receivedAudio
                let callerHeard = callerEar.receivedAudio
                #expect(pickerHeard.count >= 4000 && Goertzel.amplitude(of: 500, in: pickerHeard) > 1500)
                #expect(callerHeard.count >= 4000 && Goertzel.amplitude(of: 1000, in: callerHeard) > 1500)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
            }
        }
    }
}
