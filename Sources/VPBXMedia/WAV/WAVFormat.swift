/// The parts of a WAV 'fmt ' chunk that decide whether we can read the audio.
public struct WAVFormat: Sendable, Equatable {
    /// WAVE_FORMAT_PCM.
    static let pcmTag: UInt16 = 1
    /// WAVE_FORMAT_EXTENSIBLE: the real encoding is the subformat GUID's first two bytes.
    static let extensibleTag: UInt16 = 0xFFFE

    /// The sample rates we convert from (each divides into 8 kHz with a small rational ratio).
    public static let supportedRates = [8000, 16000, 44100, 48000]

    /// The format tag after resolving WAVE_FORMAT_EXTENSIBLE to its subformat.
    public var encoding: UInt16
    /// 1 (mono) or 2 (stereo) once accepted.
    public var channels: Int
    /// Samples per second per channel.
    public var sampleRate: Int
    /// 16 once accepted.
    public var bitsPerSample: Int
    /// Bytes per sample frame (all channels), from the header.
    public var blockAlign: Int

    /// A readable name for an encoding tag, for error messages.
    static func encodingName(_ tag: UInt16) -> String {
        switch tag {
        case 1: "PCM"
        case 3: "IEEE float"
        case 6: "A-law"
        case 7: "µ-law"
        case 2: "Microsoft ADPCM"
        case 0x11: "IMA ADPCM"
        case 0x55: "MP3"
        default: "format 0x\(String(tag, radix: 16))"
        }
    }
}
