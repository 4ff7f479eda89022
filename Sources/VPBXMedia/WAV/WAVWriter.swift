/// Writes the one format the exchange stores (recordings, voicemail, converted prompts):
/// canonical 44-byte-header RIFF/WAVE, PCM 16-bit, mono, 8 kHz.
public enum WAVWriter {
    /// The complete file for `samples` (8 kHz mono).
    public static func write(_ samples: [Int16]) -> [UInt8] {
        let dataSize = UInt32(clamping: samples.count * 2)
        var out: [UInt8] = []
        out.reserveCapacity(44 + samples.count * 2)
        out += Array("RIFF".utf8)
        append32(36 + dataSize, to: &out)
        out += Array("WAVEfmt ".utf8)
        append32(16, to: &out)
        append16(WAVFormat.pcmTag, to: &out)
        append16(1, to: &out)  // mono
        append32(UInt32(AudioFormat.sampleRate), to: &out)
        append32(UInt32(AudioFormat.sampleRate * 2), to: &out)  // byte rate
        append16(2, to: &out)  // block align
        append16(16, to: &out)  // bits per sample
        out += Array("data".utf8)
        append32(dataSize, to: &out)
        for sample in samples { append16(UInt16(bitPattern: sample), to: &out) }
        return out
    }

    private static func append16(_ value: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: value))
        out.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    private static func append32(_ value: UInt32, to out: inout [UInt8]) {
        append16(UInt16(truncatingIfNeeded: value), to: &out)
        append16(UInt16(truncatingIfNeeded: value >> 16), to: &out)
    }
}
