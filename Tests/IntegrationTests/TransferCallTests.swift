import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Blind transfer with real phones: 1001 calls 1002 (a sipp phone), which transfers the
    /// call to 1003 (another sipp phone) with REFER. The caller's and the target's ears are UDP
    /// sockets the test reads and talks from: once 1003 answered, the caller sends 500 Hz and
    /// the target 1000 Hz, and each must hear the other's tone through the relay.
    @Suite("Transfer")
    struct TransferCallTests {
        static let target = "1003"
        static let callerTone = 500.0
        static let targetTone = 1000.0

        @Test(
            "blind transfer: REFER accepted, NOTIFYs to the transferor, the target rings and answers, caller and target hear each other",
            arguments: [Scenario.answerTransferHangUp, .answerTransferAwaitBye])
        func blindTransfer(transferorScenario: Scenario) async throws {
            try await TestPBX.run { pbx in
                let callerEar = try RTPCapture()
                let targetEar = try RTPCapture()
                let transferor = try SippPeer(transferorScenario).key("target", Self.target)
                let target = try SippPeer(.answerListen).key("rtp_listen", String(targetEar.port))
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: transferor, number: Fixture.callee))
                try await pbx.addExtension(
                    Self.target, password: Fixture.password(Self.target),
                    staticContact: pbx.contact(of: target, number: Self.target))
                let transferorProcess = try pbx.start(transferor, name: "transferor")
                let targetProcess = try pbx.start(target, name: "target")
                try await Task.sleep(for: .milliseconds(300))
                try await transferorProcess.requireListening()
                try await targetProcess.requireListening()
                let caller = try pbx.phone(.callListen).service(Fixture.callee).caller(Fixture.caller)
                    .key("rtp_listen", String(callerEar.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let callerProcess = try pbx.start(caller, name: "caller")

                let call = try await eventually("the call transferred to \(Self.target) and answered there") {
                    guard callerProcess.isRunning else { throw StopWaiting(reason: "the caller's sipp has ended") }
                    let calls = try await pbx.cli.json([CallInfo].self, ["call", "list"])
                    return calls.first { call in
                        call.callee == Self.target && call.state == .answered
                            && (call.legs ?? []).filter { $0.mediaPort != nil }.count == 2
                    }
                }
                let transferorResult = await transferorProcess.finish()
                try transferorResult.requireSuccess()

                let ports = try #require(call.legs).compactMap(\.mediaPort)
                callerEar.talk(frequency: Self.callerTone, to: UInt16(ports[0]))
                targetEar.talk(frequency: Self.targetTone, to: UInt16(ports[1]))
                let start = (caller: callerEar.received.count, target: targetEar.received.count)
                try await Task.sleep(for: .seconds(2))
                let end = (caller: callerEar.received.count, target: targetEar.received.count)
                try await pbx.cli.succeed(["call", "hangup", call.id])
                let callerResult = await callerProcess.finish()
                let targetResult = await targetProcess.finish()
                callerEar.stop()
                targetEar.stop()
                try callerResult.requireSuccess()
                try targetResult.requireSuccess()

                let heardByCaller = MonitorCallTests.Heard(callerEar, from: start.caller, to: end.caller)
                #expect(heardByCaller.has(Self.targetTone), "\(heardByCaller)")
                let heardByTarget = MonitorCallTests.Heard(targetEar, from: start.target, to: end.target)
                #expect(heardByTarget.has(Self.callerTone), "\(heardByTarget)")
                let refer = try #require(transferorResult.receivedMessages().first { $0.hasPrefix("SIP/2.0 202") })
                #expect(refer.contains("CSeq: 1 REFER"))

                let cdr = try await eventually("the call's finished record") {
                    let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                    return cdr.disposition == .answered ? cdr : nil
                }
                #expect(cdr.path == ["transfer:\(Self.target)"])
            }
        }
    }
}
