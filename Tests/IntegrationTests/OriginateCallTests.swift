import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Click-to-call with real phones: `vpbx call originate --from 1001 --to 1002` rings 1001's
    /// phone (sipp); once it answers, 1002's phone (sipp, slow to answer) rings, and 1001 hears
    /// the engine's ringback meanwhile; once 1002 answers, the two hear each other. The phones'
    /// ears are UDP sockets the test reads and talks from.
    @Suite("Click-to-call")
    struct OriginateCallTests {
        static let callerTone = 500.0
        static let calleeTone = 1000.0
        static let ringbackTone = 425.0

        @Test("the caller's phone answers, hears 425 Hz ringback for 1 s then silence while 1002 rings, then 1001 and 1002 hear each other")
        func clickToCall() async throws {
            try await TestPBX.run { pbx in
                let callerEar = try RTPCapture()
                let calleeEar = try RTPCapture()
                let callerPhone = try SippPeer(.answerListen).key("rtp_listen", String(callerEar.port))
                let calleePhone = try SippPeer(.answerListenAfterRinging).key("rtp_listen", String(calleeEar.port))
                try await pbx.addExtension(
                    Fixture.caller, password: Fixture.password(Fixture.caller),
                    staticContact: pbx.contact(of: callerPhone, number: Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: calleePhone, number: Fixture.callee))
                let callerProcess = try pbx.start(callerPhone, name: "caller")
                let calleeProcess = try pbx.start(calleePhone, name: "callee")
                try await Task.sleep(for: .milliseconds(300))
                try await callerProcess.requireListening()
                try await calleeProcess.requireListening()

                let refused = try await pbx.cli.run(["call", "originate", "--from", Fixture.caller, "--to", "999"])
                #expect(refused.exitCode == 1 && refused.stderr.contains("999"), "\(refused)")
                let started = try await pbx.cli.json(
                    CallInfo.self, ["call", "originate", "--from", Fixture.caller, "--to", Fixture.callee])
                #expect(started.caller == Fixture.caller && started.callee == Fixture.callee && started.state == .dialing)

                // 1001 answered after 0.5 s; 1002 rings for 3 s: a second of tone, then the pause.
                let ringing = try await eventually("1002 ringing, 1001 answered and hearing ringback") {
                    guard callerProcess.isRunning else { throw StopWaiting(reason: "1001's sipp has ended") }
                    let call = try await pbx.cli.json([CallInfo].self, ["call", "list"]).first { $0.id == started.id }
                    return call?.state == .ringing && callerEar.received.count >= 100 ? call : nil
                }
                #expect(ringing.answeredAt == nil)
                let tone = MonitorCallTests.Heard(callerEar, from: 0, to: 50)
                #expect(tone.has(Self.ringbackTone), "the first second: \(tone) at 425 Hz")
                let pause = MonitorCallTests.Heard(callerEar, from: 35, to: 100)
                #expect(!pause.has(Self.ringbackTone) && pause.samples.count >= 4000, "1.2-2 s: silence, \(pause)")
                #expect(calleeEar.received.isEmpty, "nothing reaches the ringing phone")

                let answered = try await eventually("1002 answered") {
                    guard calleeProcess.isRunning else { throw StopWaiting(reason: "1002's sipp has ended") }
                    let call = try await pbx.cli.json([CallInfo].self, ["call", "list"]).first { $0.id == started.id }
                    return call?.state == .answered && (call?.legs ?? []).filter { $0.mediaPort != nil }.count == 2 ? call : nil
                }
                let ports = try #require(answered.legs).compactMap(\.mediaPort)
                callerEar.talk(frequency: Self.callerTone, to: UInt16(ports[0]))
                calleeEar.talk(frequency: Self.calleeTone, to: UInt16(ports[1]))
                let start = (caller: callerEar.received.count, callee: calleeEar.received.count)
                try await Task.sleep(for: .seconds(2))
                let end = (caller: callerEar.received.count, callee: calleeEar.received.count)
                try await pbx.cli.succeed(["call", "hangup", started.id])
                let callerResult = await callerProcess.finish()
                let calleeResult = await calleeProcess.finish()
                callerEar.stop()
                calleeEar.stop()
                try callerResult.requireSuccess()  // each phone got its BYE
                try calleeResult.requireSuccess()

                let heardByCaller = MonitorCallTests.Heard(callerEar, from: start.caller, to: end.caller)
                #expect(heardByCaller.has(Self.calleeTone) && !heardByCaller.has(Self.ringbackTone), "\(heardByCaller)")
                let heardByCallee = MonitorCallTests.Heard(calleeEar, from: start.callee, to: end.callee)
                #expect(heardByCallee.has(Self.callerTone), "\(heardByCallee)")
                let invite = try #require(callerResult.receivedMessages().first { $0.hasPrefix("INVITE ") })
                let from = invite.split(whereSeparator: \.isNewline).first {
                    $0.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("from:")
                } ?? ""
                #expect(from.contains("sip:\(Fixture.callee)@"), "1001's phone shows the number it calls: \(from)")
                let cdr = try await eventually("the call's finished record") {
                    let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                    return cdr.disposition == .answered ? cdr : nil
                }
                #expect(cdr.path?.first == "originate:\(Fixture.caller)" && cdr.answeredAt != nil)
            }
        }
    }
}
