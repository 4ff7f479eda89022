import VPBXRTP

/// A finished recording: why it stopped and the audio kept.
public struct Recording: Sendable, Equatable {
    /// Why recording stopped.
    public enum StopReason: Sendable, Equatable {
        /// The configured maximum length was reached (the audio is cut there).
        case maximumLength
        /// The configured run of silence was heard.
        case silence
        /// A stop key was pressed.
        case digit(DTMFDigit)
        /// The owner stopped it (caller hung up, call transferred, ...).
        case stopped
    }

    /// Why it stopped.
    public var reason: StopReason
    /// 8 kHz mono samples, trailing silence trimmed when so configured.
    public var samples: [Int16]

    /// A recording from its parts.
    public init(reason: StopReason, samples: [Int16]) {
        self.reason = reason
        self.samples = samples
    }

    /// The kept audio's length in milliseconds.
    public var durationMilliseconds: Int { samples.count * 1000 / AudioFormat.sampleRate }

    /// The recording as a WAV file (8 kHz mono PCM16).
    public var wav: [UInt8] { WAVWriter.write(samples) }
}
