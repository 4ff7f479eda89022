import NIOCore

extension RelaySession {
    /// Starts recording this call into `sink` (side A left, side B right; see
    /// ``RelayRecorder``). The session's packets come back from the poller to its loop for
    /// as long as the recording runs, as for music or a supervisor.
    ///
    /// The recording ends with ``RelayRecordingHandle/stop()`` or when the session closes;
    /// either way the sink's `finish()` is called once.
    ///
    /// - Throws: ``RTPRelayError/Code/sessionClosed`` if the call's media is gone or another
    ///   recording runs on it.
    public func startRecording(format: RelayRecordingFormat, into sink: any RelayRecordingSink) async throws
        -> RelayRecordingHandle
    {
        let core = self.core
        let loop = self.eventLoop
        let recorder = try await loop.flatSubmit {
            let promise = loop.makePromise(of: NIOLoopBound<RelayRecorder>.self)
            core.withCore { core in
                core.onEndpoints {
                    promise.completeWith(
                        Result {
                            guard !core.isFinished else {
                                throw RTPRelayError(.sessionClosed, "the call's media session is closed; nothing to record")
                            }
                            guard core.recorder == nil else {
                                throw RTPRelayError(.sessionClosed, "this call is already being recorded")
                            }
                            let recorder = RelayRecorder(core: core, format: format, sink: sink)
                            core.recorder = recorder
                            recorder.begin(on: loop)
                            return NIOLoopBound(recorder, eventLoop: loop)
                        })
                }
            }
            return promise.futureResult
        }.get()
        return RelayRecordingHandle(session: self, recorder: recorder)
    }
}

/// A recording running on a relayed call (``RelaySession/startRecording(format:into:)``).
public final class RelayRecordingHandle: Sendable {
    private let session: RelaySession
    private let recorder: NIOLoopBound<RelayRecorder>

    init(session: RelaySession, recorder: NIOLoopBound<RelayRecorder>) {
        self.session = session
        self.recorder = recorder
    }

    /// Pauses the recording (silence is recorded meanwhile) or resumes it; applies in call
    /// order, and not after the call ended.
    public func setPaused(_ paused: Bool) {
        let recorder = self.recorder
        let core = self.session.core
        self.session.eventLoop.execute {
            core.withCore { core in
                guard core.recorder === recorder.value else { return }
                recorder.value.setPaused(paused)
            }
        }
    }
}
