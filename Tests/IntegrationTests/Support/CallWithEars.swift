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
}
