import VPBXText

/// Cuts SIP messages out of a byte stream (TCP, TLS) using Content-Length, which RFC 3261 §18.3
/// makes mandatory on streams. Pure: the NIO decoder asks it where the next frame ends.
public enum SIPStreamFramer {
    public enum Frame: Equatable, Sendable {
        /// Not a whole message yet.
        case needMoreData
        /// `count` bytes of CRLF keep-alive (RFC 5626) to discard.
        case keepAlive(count: Int)
        /// A complete message of `length` bytes starts at the beginning of the buffer.
        case message(length: Int)
    }

    /// Looks at the start of `bytes`. Throws `.tooLarge` when the head or the declared body would
    /// exceed the limits, so the connection can be closed instead of buffering without end.
    public static func nextFrame(in bytes: UnsafeRawBufferPointer, limits: SIPParserLimits = .default) throws(SIPParseError) -> Frame {
        var keepAlive = 0
        while keepAlive < bytes.count, bytes[keepAlive] == 13 || bytes[keepAlive] == 10 { keepAlive += 1 }
        if keepAlive > 0 { return .keepAlive(count: keepAlive) }
        guard let (headEnd, bodyStart) = endOfHeaders(bytes) else {
            if bytes.count > limits.maxMessageBytes {
                throw SIPParseError(.tooLarge, "no end of headers within \(limits.maxMessageBytes) bytes")
            }
            return .needMoreData
        }
        let length = try contentLength(in: UnsafeRawBufferPointer(rebasing: bytes[0..<headEnd]))
        let total = bodyStart + length
        guard total <= limits.maxMessageBytes else {
            throw SIPParseError(.tooLarge, "message of \(total) bytes exceeds the limit of \(limits.maxMessageBytes)")
        }
        return bytes.count >= total ? .message(length: total) : .needMoreData
    }

    private static func endOfHeaders(_ bytes: UnsafeRawBufferPointer) -> (Int, Int)? {
        var index = 0
        while index < bytes.count {
            if bytes[index] == 10 {
                if index + 1 < bytes.count, bytes[index + 1] == 10 { return (index, index + 2) }
                if index + 2 < bytes.count, bytes[index + 1] == 13, bytes[index + 2] == 10 { return (index, index + 3) }
            }
            index += 1
        }
        return nil
    }

    /// Finds `Content-Length:` or compact `l:` at a line start; a missing header means no body.
    private static func contentLength(in head: UnsafeRawBufferPointer) throws(SIPParseError) -> Int {
        for raw in SIPParser.byteLines(ArraySlice(head)) {
            let line = Substring(String(decoding: raw, as: UTF8.self))
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = HeaderValueScanner.trimmed(line[line.startIndex..<colon])
            guard name.caseInsensitiveEquals("Content-Length") || name.caseInsensitiveEquals("l") else { continue }
            let value = HeaderValueScanner.trimmed(line[line.index(after: colon)...])
            guard let length = Int(value), length >= 0 else {
                throw .unparseable("header 'Content-Length' is malformed: expected a number, got '\(value)'")
            }
            return length
        }
        return 0
    }
}
