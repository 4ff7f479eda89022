import VPBXSDP

/// Whose silence ends a call: the RTP timeout times each watched side on its own, so a phone
/// that vanished without a BYE ends the call although the other one talks on.
struct SilenceWatch: Equatable {
    var caller = true
    var callee = true
}

extension PBXCore {
    /// Watches each phone that said it will send audio (`sendrecv`, `sendonly`), and never one
    /// of the engine's applications as the callee: it sends on whatever happened to the caller.
    /// A side without SDP (yet) is watched. Tells the media session only when this changes,
    /// which for most calls is never.
    func watchSilence(
        of call: Call, callerSDP: SessionDescription?, calleeSDP: SessionDescription?, calleeIsApplication: Bool
    ) {
        let watch = SilenceWatch(
            caller: callerSDP?.sendsAudio ?? true,
            callee: !calleeIsApplication && (calleeSDP?.sendsAudio ?? true))
        guard watch != call.silenceWatch, let media = call.media else { return }
        call.silenceWatch = watch
        media.updateTimeoutWatches(caller: watch.caller, callee: watch.callee)
    }
}
