/// Writes the one format the exchange stores (recordings, voicemail, converted prompts):
/// canonical 44-byte-header RIFF/WAVE, PCM 16-bit, 8 kHz, mono (two channels for call
/// recordings).
public enum WAVWriter {
    /// The complete file for `samples` (8 kHz mono).
    public static func write(_ samples: [Int16]) -> [UInt8] {
        var out = header(channels: 1, dataBytes: samples.count * 2)
        out.reserveCapacity(44 + samples.count * 2)
        for sample in samples { append16(UInt16(bitPattern: sample), to: &out) }
        return out
    }

    /// The 44-byte header of an 8 kHz 16-bit PCM file with `channels` interleaved channels
    /// and `dataBytes` of samples after it (call recordings are two channels, written as they
    /// come, with the header rewritten at the end).
    public static func header(channels: Int, dataBytes: Int) -> [UInt8] {
        let dataSize = UInt32(clamping: dataBytes)
        let blockAlign = UInt16(clamping: 2 * channels)
        var out: [UInt8] = []
        out += Array("RIFF".utf8)
        append32(36 &+ dataSize, to: &out)
        out += Array("WAVEfmt ".utf8)
        append32(16, to: &out)
        append16(WAVFormat.pcmTag, to: &out)
        append16(UInt16(clamping: channels), to: &out)
        append32(UInt32(AudioFormat.sampleRate), to: &out)
        append32(UInt32(AudioFormat.sampleRate) * UInt32(blockAlign), to: &out)  // byte rate
        append16(blockAlign, to: &out)
        append16(16, to: &out)  // bits per sample
        out += Array("data".utf8)
        append32(dataSize, to: &out)
        return out
    }

    /// Bytes of a canonical header, where the samples start.
    public static let headerSize = 44

    private static func append16(_ value: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: value))
        out.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    private static func append32(_ value: UInt32, to out: inout [UInt8]) {
        append16(UInt16(truncatingIfNeeded: value), to: &out)
        append16(UInt16(truncatingIfNeeded: value >> 16), to: &out)
    }
}
