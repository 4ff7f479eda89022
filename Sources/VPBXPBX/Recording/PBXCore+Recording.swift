import Foundation

/// Which calls are recorded: every answered call between phones in which an extension that
/// records its calls (`vpbx ext set N --record on`) takes part, as caller or as the phone
/// that answered (an agent answering a queue call included), every call an agent answers
/// from a queue that records its calls (`vpbx queue set Q --record on`), and any answered
/// call someone asks to record (`call.record`). A call answered by one of the engine's own applications
/// (voicemail, a menu, a queue's waiting) is not recorded until a phone takes it over, except
/// a conference room's: a caller's call in a room is recorded when its extension records its
/// calls or on request (the caller's voice on one side, the room as the caller hears it on
/// the other). A room that records (`vpbx conf set ROOM --record on`) is one file of its mix
/// (``RoomRecorder``), not its callers' calls. The
/// recording runs until the call's media closes, and may be paused meanwhile (a card number
/// read out); the service keeps the file and its record.
extension PBXCore {
    public func setRecordingService(_ service: (any CallRecordingService)?) {
        recordingService = service
    }

    /// The queues whose answered calls are recorded (the engine sets them with every queue
    /// change).
    public func setRecordedQueues(_ names: Set<String>) {
        recordedQueues = names
    }

    /// The queue whose offer an agent answered, from the call's path: its last queue step is
    /// the offer (`queue:sales=offer`); a caller who left the queue for another destination
    /// (`queue:sales=timeout`) was not answered from it.
    static func answeringQueue(in path: [String]) -> String? {
        guard let step = path.last(where: { $0.hasPrefix("queue:") }), step.hasSuffix("=offer") else { return nil }
        return String(step.dropFirst("queue:".count).dropLast("=offer".count))
    }

    /// Starts recording `call` if it is answered by a phone and its policy asks for it; once
    /// a call. Called wherever a call becomes answered (directly, after a hand-on, picked up).
    func recordIfWanted(_ call: Call) {
        guard recordingService != nil, !call.recordingStarted, isRecordable(call) else { return }
        let answeredBy = call.answered?.extensionNumber ?? call.callee
        if recordsCalls(call.caller) {
            try? startRecording(call, reason: "extension \(call.caller) records its calls")
        } else if recordsCalls(answeredBy) {
            try? startRecording(call, reason: "extension \(answeredBy) records its calls")
        } else if let queue = Self.answeringQueue(in: call.path), recordedQueues.contains(queue) {
            try? startRecording(call, reason: "queue \(queue) records its calls")
        }
    }

    /// Whether the calls of extension `number` are recorded (`--record on`, with recording
    /// on in the engine).
    func recordsCalls(_ number: String?) -> Bool {
        recordingService != nil && number.flatMap { directory[$0] }?.recordCalls == true
    }

    private func isRecordable(_ call: Call) -> Bool {
        call.answeredAt != nil && (!call.answeredByApplication || call.answeringConference != nil) && call.media != nil
            && !call.handingOn
    }

    /// Asks the service to record `call`; the control comes back as `.recordingReady`.
    private func startRecording(_ call: Call, reason: String) throws(RecordingControlError) {
        guard let service = recordingService, let media = call.media else {
            throw RecordingControlError(.unavailable, "call recording is off in this engine (see its log)")
        }
        guard let callerCodec = call.callerCodec ?? call.calleeCodec,
            let calleeCodec = call.calleeCodec ?? call.callerCodec,
            MusicOnHold.encodings.contains(callerCodec.encoding), MusicOnHold.encodings.contains(calleeCodec.encoding)
        else {
            logger.warning(
                "call not recorded: its codec is not G.711, or its audio is encrypted end to end (SRTP)",
                metadata: ["call": "\(call.id)", "reason": "\(reason)"])
            throw RecordingControlError(
                .conflict,
                "call \(call.id.lowercaseText) cannot be recorded: its codec is not G.711, or its audio is encrypted end to end (SRTP)"
            )
        }
        call.recordingStarted = true
        let request = CallRecordingRequest(
            callID: call.id, caller: call.caller, callee: call.answered?.extensionNumber ?? call.callee,
            startedAt: Date(),
            callerCodec: callerCodec, calleeCodec: calleeCodec, reason: reason)
        let logger = self.logger
        let post = inputSink
        Task {
            do {
                post(.recordingReady(request.callID, try await service.startRecording(request, media: media)))
            } catch {
                logger.error(
                    "call recording did not start", metadata: ["call": "\(request.callID)", "error": "\(error)"])
            }
        }
    }

    /// The relay taps the call: pauses asked for meanwhile apply now.
    func recordingReady(_ id: UUID, _ recording: any MediaRecording) {
        // A call that ended meanwhile closed its media, which finished the recording.
        guard let call = calls[id] else { return }
        call.recording = recording
        if call.recordingPaused { recording.setPaused(true) }
    }

    /// The answered call extension `number` takes part in, if any.
    public func answeredCallID(of number: String) -> UUID? {
        monitorableCall(of: number)?.0.id
    }

    /// Starts, pauses or resumes the recording of call `id` (`call.record`); returns whether
    /// it is paused now.
    @discardableResult
    public func controlRecording(callID id: UUID, _ action: RecordingAction, reason: String)
        throws(RecordingControlError)
        -> Bool
    {
        guard let call = calls[id] else {
            throw RecordingControlError(.notFound, "no call \(id.lowercaseText) in progress (see 'vpbx call list')")
        }
        switch action {
        case .start:
            guard !call.recordingStarted else {
                throw RecordingControlError(.conflict, "call \(id.lowercaseText) is already being recorded")
            }
            guard isRecordable(call) else {
                throw RecordingControlError(
                    .conflict, "call \(id.lowercaseText) is not answered by a phone yet: nothing to record")
            }
            try startRecording(call, reason: reason)
            return false
        case .pause, .resume:
            guard call.recordingStarted else {
                throw RecordingControlError(.conflict, "call \(id.lowercaseText) is not being recorded")
            }
            call.recordingPaused = action == .pause
            call.recording?.setPaused(call.recordingPaused)
            return call.recordingPaused
        }
    }
}

/// What `call.record` does to a call's recording.
public enum RecordingAction: String, Sendable, CaseIterable {
    case start, pause, resume
}

/// Why a recording could not be started, paused or resumed.
public struct RecordingControlError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case notFound, conflict, unavailable }
    public let kind: Kind
    public let description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
