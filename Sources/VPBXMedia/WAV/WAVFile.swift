/// The audio of a parsed PCM 16-bit WAV file, still in its own rate and channel layout.
public struct WAVFile: Sendable, Equatable {
    /// The header's description of the audio.
    public var format: WAVFormat
    /// Interleaved samples (left, right, left, ... for stereo).
    public var samples: [Int16]

    /// Number of sample frames (one sample per channel).
    public var frameCount: Int { format.channels == 0 ? 0 : samples.count / format.channels }

    /// The duration in milliseconds.
    public var durationMilliseconds: Int { frameCount * 1000 / max(1, format.sampleRate) }

    /// The audio as the media layer uses it: 8 kHz mono PCM16, downmixed and resampled with
    /// an anti-alias filter.
    public func telephoneAudio() -> [Int16] {
        let mono = Downmix.mono(samples, channels: format.channels)
        guard format.sampleRate != AudioFormat.sampleRate else { return mono.map(Downmix.clamp) }
        let resampler = Resampler(inputRate: format.sampleRate, outputRate: AudioFormat.sampleRate)
        return resampler.process(mono).map(Downmix.clamp)
    }
}
