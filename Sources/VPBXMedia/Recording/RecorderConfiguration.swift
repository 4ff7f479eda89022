import VPBXRTP

/// When a `Recorder` stops.
public struct RecorderConfiguration: Sendable, Equatable {
    /// Longest recording, in 8 kHz samples.
    public var maximumSamples: Int
    /// A frame quieter than this (dBm0, RMS) counts as silence. -45 dBm0 sits above the comfort
    /// noise and line hiss of typical calls and below quiet speech.
    public var silenceThreshold: Double
    /// This much continuous silence ends the recording (samples); nil never stops on silence.
    public var silenceSamples: Int?
    /// Keys that end the recording (default `#`).
    public var stopDigits: Set<DTMFDigit>
    /// Whether the silence at the end (the pause that stopped it, the time to reach `#`) is cut.
    public var trimsTrailingSilence: Bool

    /// Defaults: two minutes at most, 5 s of silence below -45 dBm0 or `#` stop it, trailing silence trimmed.
    public init(
        maximumMilliseconds: Int = 120_000, silenceThreshold: Double = -45, silenceMilliseconds: Int? = 5000,
        stopDigits: Set<DTMFDigit> = [.pound], trimsTrailingSilence: Bool = true
    ) {
        maximumSamples = AudioFormat.samples(milliseconds: max(0, maximumMilliseconds))
        self.silenceThreshold = silenceThreshold
        silenceSamples = silenceMilliseconds.map { AudioFormat.samples(milliseconds: max(0, $0)) }
        self.stopDigits = stopDigits
        self.trimsTrailingSilence = trimsTrailingSilence
    }
}
