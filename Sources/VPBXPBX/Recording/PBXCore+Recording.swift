import Foundation

/// Which calls are recorded: every answered call between phones in which an extension that
/// records its calls (`vpbx ext set N --record on`) takes part, as caller or as the phone
/// that answered (an agent answering a queue call included). A call answered by one of the
/// engine's own applications (voicemail, a menu, a queue's waiting) is not recorded until a
/// phone takes it over. The recording runs until the call's media closes; the service keeps
/// the file and its record.
extension PBXCore {
    public func setRecordingService(_ service: (any CallRecordingService)?) {
        recordingService = service
    }

    /// Starts recording `call` if it is answered by a phone and its policy asks for it; once
    /// a call. Called wherever a call becomes answered (directly, after a hand-on, picked up).
    func recordIfWanted(_ call: Call) {
        guard let service = recordingService, !call.recordingStarted, call.answeredAt != nil,
            !call.answeredByApplication, let media = call.media
        else { return }
        let answeredBy = call.answered?.extensionNumber ?? call.callee
        let reason: String
        if directory[call.caller]?.recordCalls == true {
            reason = "extension \(call.caller) records its calls"
        } else if directory[answeredBy]?.recordCalls == true {
            reason = "extension \(answeredBy) records its calls"
        } else {
            return
        }
        guard let callerCodec = call.callerCodec ?? call.calleeCodec, let calleeCodec = call.calleeCodec ?? call.callerCodec,
            MusicOnHold.encodings.contains(callerCodec.encoding), MusicOnHold.encodings.contains(calleeCodec.encoding)
        else {
            logger.warning(
                "call not recorded: its codec is not G.711",
                metadata: ["call": "\(call.id)", "reason": "\(reason)"])
            return
        }
        call.recordingStarted = true
        let request = CallRecordingRequest(
            callID: call.id, caller: call.caller, callee: answeredBy, startedAt: Date(), callerCodec: callerCodec,
            calleeCodec: calleeCodec, reason: reason)
        let logger = self.logger
        Task {
            do {
                try await service.startRecording(request, media: media)
            } catch {
                logger.error("call recording did not start", metadata: ["call": "\(request.callID)", "error": "\(error)"])
            }
        }
    }
}
