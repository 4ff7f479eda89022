import Testing
import VPBXControl

/// A call between two sipp phones whose RTP goes to test-side ears (``RTPCapture``), which
/// can also talk. Several call tests end such a call the same way.
struct CallWithEars {
    let callerEar: RTPCapture
    let calleeEar: RTPCapture
    let callerProcess: SippProcess
    let calleeProcess: SippProcess

    /// Waits for both phones to end, stops the ears and requires both scenarios passed.
    func finish() async throws {
        let callerResult = await callerProcess.finish()
        let calleeResult = await calleeProcess.finish()
        callerEar.stop()
        calleeEar.stop()
        try callerResult.requireSuccess()
        try calleeResult.requireSuccess()
    }

    /// Each ear talks its tone toward the relay port of its side (`call`'s legs, caller's
    /// first) for 2 s and must hear the other's; then the call is hung up from the console
    /// and both phones must have ended well.
    func expectBothHearEachOther(
        _ pbx: TestPBX, _ call: CallInfo, callerTone: Double, calleeTone: Double
    ) async throws {
        let ports = try #require(call.legs).compactMap(\.mediaPort)
        try #require(ports.count == 2, "the call's two media ports: \(ports)")
        callerEar.talk(frequency: callerTone, to: UInt16(ports[0]))
        calleeEar.talk(frequency: calleeTone, to: UInt16(ports[1]))
        let start = (caller: callerEar.received.count, callee: calleeEar.received.count)
        try await Task.sleep(for: .seconds(2))
        let end = (caller: callerEar.received.count, callee: calleeEar.received.count)
        try await pbx.cli.succeed(["call", "hangup", call.id])
        try await finish()
        let heardByCaller = Integration.MonitorCallTests.Heard(callerEar, from: start.caller, to: end.caller)
        #expect(heardByCaller.has(calleeTone), "\(heardByCaller)")
        let heardByCallee = Integration.MonitorCallTests.Heard(calleeEar, from: start.callee, to: end.callee)
        #expect(heardByCallee.has(callerTone), "\(heardByCallee)")
    }
}
