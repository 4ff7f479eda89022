extension RTPHeader {
    /// Parses the header at the start of a datagram. Returns nil (the relay drops the
    /// packet) when the version is not 2, the buffer is shorter than the header, CSRC list
    /// and extension it announces, or the padding length is zero or too large.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.fixedSize else { return nil }
        let first = bytes[0]
        guard first >> 6 == Self.version else { return nil }
        let second = bytes[1]
        self.init(
            marker: second & 0x80 != 0, payloadType: second & 0x7F,
            sequenceNumber: bytes.loadBigEndian(UInt16.self, at: 2),
            timestamp: bytes.loadBigEndian(UInt32.self, at: 4),
            ssrc: bytes.loadBigEndian(UInt32.self, at: 8),
            hasPadding: first & 0x20 != 0)

        var offset = Self.fixedSize
        let count = Int(first & 0x0F)
        guard bytes.count >= offset + 4 * count else { return nil }
        for _ in 0..<count {
            appendCSRC(bytes.loadBigEndian(UInt32.self, at: offset))
            offset += 4
        }
        if first & 0x10 != 0 {
            guard bytes.count >= offset + 4 else { return nil }
            let header = Extension(
                profile: bytes.loadBigEndian(UInt16.self, at: offset),
                lengthInWords: bytes.loadBigEndian(UInt16.self, at: offset + 2))
            offset += 4 + 4 * Int(header.lengthInWords)
            guard bytes.count >= offset else { return nil }
            self.extension = header
        }
        var padding = 0
        if hasPadding {
            padding = Int(bytes[bytes.count - 1])
            guard padding >= 1, padding <= bytes.count - offset else { return nil }
        }
        payloadLength = bytes.count - offset - padding
    }

    /// Writes the header (fixed part, CSRCs, extension header and zeroed extension words)
    /// and returns the number of bytes written, `payloadOffset`, or 0 when `buffer` is too
    /// small. The caller appends the payload and, if `hasPadding`, the padding.
    public func write(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let size = payloadOffset
        guard buffer.count >= size else { return 0 }
        var first = Self.version << 6 | UInt8(csrcCount)
        if hasPadding { first |= 0x20 }
        if self.extension != nil { first |= 0x10 }
        buffer[0] = first
        buffer[1] = (marker ? 0x80 : 0) | (payloadType & 0x7F)
        buffer.storeBigEndian(sequenceNumber, at: 2)
        buffer.storeBigEndian(timestamp, at: 4)
        buffer.storeBigEndian(ssrc, at: 8)
        var offset = Self.fixedSize
        for index in 0..<csrcCount {
            buffer.storeBigEndian(csrc(at: index), at: offset)
            offset += 4
        }
        if let header = self.extension {
            buffer.storeBigEndian(header.profile, at: offset)
            buffer.storeBigEndian(header.lengthInWords, at: offset + 2)
            offset += 4
            for index in offset..<size { buffer[index] = 0 }
        }
        return size
    }

    /// Overwrites selected fields of an RTP packet in place, leaving everything else
    /// (CSRCs, extension, payload) untouched: what an anchoring relay does per packet.
    /// Returns false, changing nothing, when `packet` is not an RTP version 2 packet.
    @discardableResult
    public static func rewrite(
        in packet: UnsafeMutableRawBufferPointer,
        payloadType: UInt8? = nil,
        sequenceNumber: UInt16? = nil,
        timestamp: UInt32? = nil,
        ssrc: UInt32? = nil
    ) -> Bool {
        guard packet.count >= fixedSize, packet[0] >> 6 == version else { return false }
        if let payloadType { packet[1] = (packet[1] & 0x80) | (payloadType & 0x7F) }
        if let sequenceNumber { packet.storeBigEndian(sequenceNumber, at: 2) }
        if let timestamp { packet.storeBigEndian(timestamp, at: 4) }
        if let ssrc { packet.storeBigEndian(ssrc, at: 8) }
        return true
    }
}

extension UnsafeRawBufferPointer {
    /// Reads a big-endian integer at any (possibly unaligned) offset; the caller checks bounds.
    @inline(__always)
    func loadBigEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

extension UnsafeMutableRawBufferPointer {
    /// Writes a big-endian integer at any (possibly unaligned) offset; the caller checks bounds.
    @inline(__always)
    func storeBigEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: T.self)
    }
}
