/// Parses RIFF/WAVE files holding PCM 16-bit audio (plain or WAVE_FORMAT_EXTENSIBLE) at the
/// rates in `WAVFormat.supportedRates`, mono or stereo. Everything else is refused with a
/// `WAVError` that tells the administrator what to provide; malformed bytes never trap.
public enum WAVReader {
    /// The largest 'fmt ' chunk we accept: WAVE_FORMAT_EXTENSIBLE needs 40 bytes; anything
    /// much larger is a corrupt header, not a format we could use.
    static let maximumFormatChunk = 256

    /// The GUID tail shared by every KSDATAFORMAT_SUBTYPE (after the 2-byte format tag).
    private static let subformatTail: [UInt8] = [
        0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
    ]

    /// Parses `bytes`; `name` labels the error messages (usually the file name).
    /// `maximumSeconds` bounds what a prompt may hold (nil: no limit).
    public static func read(_ bytes: [UInt8], name: String, maximumSeconds: Int? = nil) throws(WAVError) -> WAVFile {
        var reader = LittleEndianReader(bytes)
        guard reader.fourCC() == "RIFF" else { throw .notRIFF(name) }
        // The RIFF size is ignored: streaming encoders often leave it 0 or 0xFFFFFFFF, and the
        // chunk walk below checks every size against the bytes actually present.
        guard reader.uint32() != nil, let form = reader.fourCC() else { throw .truncated(name, "RIFF header") }
        guard form == "WAVE" else { throw .notWAVE(name) }

        var format: WAVFormat?
        while true {
            guard let id = reader.fourCC(), let size32 = reader.uint32() else {
                // A clean end of file means a chunk never came; leftover bytes mean a cut header.
                guard reader.remaining == 0 else { throw .truncated(name, "chunk header") }
                throw .missingChunk(name, format == nil ? "fmt " : "data")
            }
            let size = Int(size32)
            switch id {
            case "fmt ":
                guard size <= maximumFormatChunk else { throw .oversizedFormat(name, size: size) }
                guard size >= 16 else { throw .malformed(name, "'fmt ' chunk of \(size) bytes, at least 16 needed") }
                guard reader.remaining >= size else { throw .truncated(name, "'fmt ' chunk") }
                format = try parseFormat(
                    LittleEndianReader(Array(bytes[reader.offset..<reader.offset + size])), name: name)
                _ = reader.skip(size)
                _ = reader.skip(size & 1)
            case "data":
                guard let format else { throw .missingChunk(name, "fmt ") }
                guard size <= reader.remaining else {
                    throw .dataBeyondFile(name, declared: size, available: reader.remaining)
                }
                let frames = size / format.blockAlign
                // The division first: it bounds the product below by `frames`, so a huge limit
                // cannot overflow the multiplication.
                if let maximumSeconds, frames / format.sampleRate >= maximumSeconds,
                    frames > maximumSeconds * format.sampleRate
                {
                    throw .tooLong(name, seconds: maximumSeconds)
                }
                return WAVFile(
                    format: format, samples: samples(bytes, from: reader.offset, count: frames * format.channels))
            default:
                // Unknown chunks (LIST, fact, cue, bext, ...) are skipped, with their pad byte.
                guard reader.skip(size) else { throw .truncated(name, "'\(id)' chunk") }
                _ = reader.skip(size & 1)
            }
        }
    }

    private static func parseFormat(_ chunk: LittleEndianReader, name: String) throws(WAVError) -> WAVFormat {
        var chunk = chunk
        // The size was checked (>= 16), so these reads succeed.
        var tag = chunk.uint16() ?? 0
        let channels = Int(chunk.uint16() ?? 0)
        let rate = Int(chunk.uint32() ?? 0)
        _ = chunk.uint32()  // byte rate: derived, not trusted
        let blockAlign = Int(chunk.uint16() ?? 0)
        let bits = Int(chunk.uint16() ?? 0)
        if tag == WAVFormat.extensibleTag {
            guard chunk.remaining >= 24, let extra = chunk.uint16(), extra >= 22 else {
                throw .malformed(name, "WAVE_FORMAT_EXTENSIBLE without its 22 extension bytes")
            }
            _ = chunk.uint16()  // valid bits per sample
            _ = chunk.uint32()  // channel mask: stereo is downmixed whatever the speaker layout
            let subformat = chunk.uint16() ?? 0
            let tail = Array(chunk.bytes[chunk.offset..<chunk.offset + 14])
            guard tail == subformatTail else { throw .unsupportedEncoding(name, "a non-standard extensible subformat") }
            tag = subformat
        }
        guard tag == WAVFormat.pcmTag else { throw .unsupportedEncoding(name, WAVFormat.encodingName(tag)) }
        guard bits == 16 else { throw .unsupportedBits(name, bits) }
        guard channels == 1 || channels == 2 else { throw .unsupportedChannels(name, channels) }
        guard WAVFormat.supportedRates.contains(rate) else { throw .unsupportedRate(name, rate) }
        guard blockAlign == channels * 2 else {
            throw .malformed(name, "block align \(blockAlign) for \(channels) channel(s) of 16 bits")
        }
        return WAVFormat(
            encoding: tag, channels: channels, sampleRate: rate, bitsPerSample: bits, blockAlign: blockAlign)
    }

    private static func samples(_ bytes: [UInt8], from offset: Int, count: Int) -> [Int16] {
        var out = [Int16](repeating: 0, count: count)
        for index in 0..<count {
            let low = UInt16(bytes[offset + 2 * index])
            let high = UInt16(bytes[offset + 2 * index + 1])
            out[index] = Int16(bitPattern: low | high << 8)
        }
        return out
    }
}
