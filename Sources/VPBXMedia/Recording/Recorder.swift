import VPBXRTP

/// Records received frames until the maximum length, a run of silence, a stop key, or the
/// owner's `stop()`; then reports the recording once.
public struct Recorder: Sendable {
    /// What the owner does next.
    public enum Action: Sendable, Equatable {
        /// Keep feeding frames.
        case recording
        /// Done: store the recording; later events return the same value.
        case stopped(Recording)
    }

    /// When to stop and what to trim.
    public let configuration: RecorderConfiguration
    private var samples: [Int16] = []
    /// Sample count up to the end of the last frame that was not silent.
    private var voicedEnd = 0
    private var silentRun = 0
    private var result: Recording?

    /// A recorder that has recorded nothing yet.
    public init(configuration: RecorderConfiguration = RecorderConfiguration()) {
        self.configuration = configuration
    }

    /// Samples recorded so far (before trimming).
    public var recordedSamples: Int { samples.count }

    /// Adds a received frame.
    public mutating func append(_ frame: [Int16]) -> Action {
        if let result { return .stopped(result) }
        let room = configuration.maximumSamples - samples.count
        let kept = frame.prefix(max(0, room))
        samples += kept
        if SignalLevel.isSilent(kept, threshold: configuration.silenceThreshold) {
            silentRun += kept.count
        } else {
            silentRun = 0
            voicedEnd = samples.count
        }
        if samples.count >= configuration.maximumSamples { return finish(.maximumLength) }
        if let limit = configuration.silenceSamples, silentRun >= limit { return finish(.silence) }
        return .recording
    }

    /// A key was pressed: stops on a stop key, otherwise ignored.
    public mutating func receive(_ digit: DTMFDigit) -> Action {
        if let result { return .stopped(result) }
        guard configuration.stopDigits.contains(digit) else { return .recording }
        return finish(.digit(digit))
    }

    /// Stops now (hang-up, transfer); returns the recording.
    public mutating func stop() -> Recording {
        if let result { return result }
        guard case .stopped(let recording) = finish(.stopped) else { preconditionFailure("finish always stops") }
        return recording
    }

    private mutating func finish(_ reason: Recording.StopReason) -> Action {
        let kept = configuration.trimsTrailingSilence ? Array(samples.prefix(voicedEnd)) : samples
        let recording = Recording(reason: reason, samples: kept)
        result = recording
        samples = []
        return .stopped(recording)
    }
}
