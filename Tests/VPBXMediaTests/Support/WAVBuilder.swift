/// Builds WAV files byte by byte, including broken ones.
struct WAVBuilder {
    var formatTag: UInt16 = 1
    var channels: UInt16 = 1
    var sampleRate: UInt32 = 8000
    var bitsPerSample: UInt16 = 16
    var blockAlign: UInt16?
    /// Use WAVE_FORMAT_EXTENSIBLE with this subformat tag.
    var extensibleSubformat: UInt16?
    /// Chunks inserted before 'fmt ' and between 'fmt ' and 'data'.
    var chunksBeforeFormat: [(String, [UInt8])] = []
    var chunksBeforeData: [(String, [UInt8])] = []
    /// Overrides the data chunk's declared size.
    var declaredDataSize: UInt32?

    func build(samples: [Int16]) -> [UInt8] {
        var data: [UInt8] = []
        for sample in samples { Self.le16(UInt16(bitPattern: sample), &data) }
        return build(data: data)
    }

    func build(data: [UInt8]) -> [UInt8] {
        var format: [UInt8] = []
        let tag = extensibleSubformat == nil ? formatTag : 0xFFFE
        Self.le16(tag, &format)
        Self.le16(channels, &format)
        Self.le32(sampleRate, &format)
        let align = blockAlign ?? channels * (bitsPerSample / 8)
        Self.le32(sampleRate * UInt32(align), &format)
        Self.le16(align, &format)
        Self.le16(bitsPerSample, &format)
        if let subformat = extensibleSubformat {
            Self.le16(22, &format)
            Self.le16(bitsPerSample, &format)
            Self.le32(channels == 2 ? 3 : 4, &format)
            Self.le16(subformat, &format)
            format += [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        }
        var body: [UInt8] = Array("WAVE".utf8)
        for (id, bytes) in chunksBeforeFormat { Self.chunk(id, bytes, &body) }
        Self.chunk("fmt ", format, &body)
        for (id, bytes) in chunksBeforeData { Self.chunk(id, bytes, &body) }
        body += Array("data".utf8)
        Self.le32(declaredDataSize ?? UInt32(data.count), &body)
        body += data
        var file: [UInt8] = Array("RIFF".utf8)
        Self.le32(UInt32(body.count), &file)
        return file + body
    }

    static func chunk(_ id: String, _ bytes: [UInt8], _ out: inout [UInt8]) {
        out += Array(id.utf8)
        le32(UInt32(bytes.count), &out)
        out += bytes
        if bytes.count % 2 == 1 { out.append(0) }
    }

    static func le16(_ value: UInt16, _ out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: value))
        out.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    static func le32(_ value: UInt32, _ out: inout [UInt8]) {
        le16(UInt16(truncatingIfNeeded: value), &out)
        le16(UInt16(truncatingIfNeeded: value >> 16), &out)
    }
}
