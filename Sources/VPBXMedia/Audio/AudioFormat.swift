/// The one internal audio format of the media layer: 8 kHz, mono, signed 16-bit linear PCM,
/// in 20 ms frames of 160 samples (the G.711 packetisation every peer accepts).
public enum AudioFormat {
    /// Samples per second.
    public static let sampleRate = 8000
    /// Samples per 20 ms frame; also the RTP timestamp step per packet.
    public static let frameSamples = 160
    /// Frame length in milliseconds.
    public static let frameMilliseconds = 20

    /// The number of samples in `milliseconds` at 8 kHz.
    public static func samples(milliseconds: Int) -> Int { milliseconds * sampleRate / 1000 }
}
