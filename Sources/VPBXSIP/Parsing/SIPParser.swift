import VPBXText

/// Parses one complete SIP message (a UDP datagram, or a frame cut by `SIPStreamFramer`).
///
/// Only the start line and header lines are split here; header values are parsed by the typed
/// accessors when someone needs them. `validate` checks the headers every request must carry
/// (RFC 3261 §8.1.1) once, at ingress, so later layers can rely on them.
public struct SIPParser: Sendable {
    public var limits: SIPParserLimits

    public init(limits: SIPParserLimits = .default) {
        self.limits = limits
    }

    public func parse(_ bytes: [UInt8]) throws(SIPParseError) -> SIPMessage {
        // Leading CRLFs are keep-alives (RFC 5626 §3.5.1) glued to a message; skip them.
        if let first = bytes.first, first == 13 || first == 10 {
            guard let start = bytes.firstIndex(where: { $0 != 13 && $0 != 10 }) else {
                throw .unparseable("keep-alive (CRLF only), not a message")
            }
            return try parse(Array(bytes[start...]))
        }
        guard bytes.count <= limits.maxMessageBytes else {
            throw SIPParseError(.tooLarge, "message of \(bytes.count) bytes exceeds the limit of \(limits.maxMessageBytes)")
        }
        guard let headerEnd = Self.endOfHeaders(in: bytes) else {
            throw .unparseable("message has no end of headers (CRLF CRLF)")
        }
        let head = try parseHead(bytes, end: headerEnd.headerBytesEnd)
        let startLine = head.startLine
        var headers = head.headers
        guard headers.count <= limits.maxHeaderCount else {
            throw SIPParseError(.tooLarge, "message has \(headers.count) headers, more than the limit of \(limits.maxHeaderCount)")
        }
        let isResponse = startLine.hasPrefix("SIP/")
        headers.memoizeCommonHeaders(includingFrom: !isResponse)
        let available = bytes.count - headerEnd.bodyStart
        var bodyLength = available
        var lengthProblem: String?
        if let lengthText = headers["Content-Length"] {
            if let declared = Int(lengthText.trimmingSpaces), declared >= 0 {
                if declared > available {
                    lengthProblem = "header 'Content-Length' says \(declared) bytes but only \(available) arrived"
                } else {
                    bodyLength = declared  // RFC 3261 §18.3: extra datagram bytes are discarded
                }
            } else {
                lengthProblem = "header 'Content-Length' is malformed: expected a number, got '\(lengthText)'"
            }
        }
        let body = Array(bytes[headerEnd.bodyStart..<(headerEnd.bodyStart + bodyLength)])
        if isResponse {
            let response = try parseStatusLine(startLine, headers: headers, body: body)
            if let lengthProblem { throw .unparseable(lengthProblem) }
            return .response(response)
        }
        let request = try parseRequestLine(startLine, headers: headers, body: body)
        if let lengthProblem { throw SIPParseError(.badRequest, lengthProblem, partialRequest: request) }
        do throws(SIPParseError) {
            try Self.validate(request)
        } catch {
            throw SIPParseError(.badRequest, error.message, partialRequest: request)
        }
        return .request(request)
    }

    /// The mandatory-header check of RFC 3261 §8.1.1 / §8.2.
    public static func validate(_ request: SIPRequest) throws(SIPParseError) {
        let headers = request.headers
        guard headers.callID?.isEmpty == false else { throw .bad("header 'Call-ID' is missing") }
        // The tags: they throw as `from()`/`to()` do, without copying a memoized address out.
        _ = try headers.fromTag()
        _ = try headers.toTag()
        _ = try headers.topVia()
        let cseq = try headers.cseq()
        guard cseq.method == request.method else {
            throw .bad("header 'CSeq' names method \(cseq.method) but the request is \(request.method)")
        }
        if let maxForwards = headers["Max-Forwards"], Int(maxForwards.trimmingSpaces) == nil {
            throw .bad("header 'Max-Forwards' is malformed: expected a number, got '\(maxForwards)'")
        }
    }

    private func parseRequestLine(_ line: Substring, headers: SIPHeaders, body: [UInt8]) throws(SIPParseError) -> SIPRequest {
        let parts = Self.spaceSeparated(line)
        guard parts.count == 3, parts[0].utf8.allSatisfy(Self.isTokenByte) else {
            throw .unparseable("request line '\(line.prefix(80))' is malformed: expected 'METHOD uri SIP/2.0'")
        }
        let partial = SIPRequest(method: SIPMethod(String(parts[0])), uri: SIPURI(host: "invalid"), headers: headers, body: body)
        guard parts[2] == "SIP/2.0" else {
            throw SIPParseError(.badRequest, "unsupported protocol version '\(parts[2])' (expected SIP/2.0)", partialRequest: partial)
        }
        do throws(SIPParseError) {
            let uri = try SIPURI(parsing: parts[1])
            return SIPRequest(method: partial.method, uri: uri, headers: headers, body: body)
        } catch {
            throw SIPParseError(.badRequest, "Request-URI is invalid: \(error.message)", partialRequest: partial)
        }
    }

    private func parseStatusLine(_ line: Substring, headers: SIPHeaders, body: [UInt8]) throws(SIPParseError) -> SIPResponse {
        let parts = Self.spaceSeparated(line, maxSplits: 2)
        guard parts.count >= 2, parts[0] == "SIP/2.0", parts[1].count == 3, let code = Int(parts[1]), (100...699).contains(code) else {
            throw .unparseable("status line '\(line.prefix(80))' is malformed: expected 'SIP/2.0 <code> <reason>'")
        }
        let reason = parts.count == 3 ? String(parts[2]) : ""
        return SIPResponse(statusCode: code, reason: reason, headers: headers, body: body)
    }

    /// The parts of a start line between spaces, as `split(separator: " ")` cuts them; by
    /// byte when the line is ASCII (then every byte is a Character), which saves grapheme
    /// breaking over the line, about a quarter of an INVITE's parse.
    static func spaceSeparated(_ line: Substring, maxSplits: Int = .max) -> [Substring] {
        guard line.utf8.allSatisfy({ $0 < 0x80 }) else {
            return line.split(separator: " ", maxSplits: maxSplits, omittingEmptySubsequences: true)
        }
        let parts = ByteText.with(line) { $0.split($0.all, at: ASCII.space, maxSplits: maxSplits) }
        let utf8 = line.utf8
        return parts.map { part in
            line[utf8.index(utf8.startIndex, offsetBy: part.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: part.upperBound)]
        }
    }

    /// The start line and the header fields of the head (`bytes[..<end]`, before the blank
    /// line).
    ///
    /// Without folded lines (the usual case) the lines are found and each header's name and
    /// value cut and trimmed by byte offset, and decoded once each; with folding the lines are
    /// decoded and joined first. Both give the same fields and the same errors.
    private func parseHead(_ bytes: [UInt8], end: Int) throws(SIPParseError) -> (startLine: Substring, headers: SIPHeaders) {
        let unfolded = bytes.withUnsafeBufferPointer { buffer -> Result<(startLine: Substring, headers: SIPHeaders)?, SIPParseError> in
            do throws(SIPParseError) {
                return .success(try parseUnfoldedHead(ByteText(bytes: buffer), end: end))
            } catch {
                return .failure(error)
            }
        }
        if let head = try unfolded.get() { return head }
        let lines = Self.unfold(Self.byteLines(bytes[0..<end]))
        var headers = SIPHeaders()
        for line in lines.dropFirst() {
            let lineBytes = Array(line.utf8)
            try lineBytes.withUnsafeBufferPointer { buffer throws(SIPParseError) in
                try Self.addHeader(ByteText(bytes: buffer), buffer.indices, to: &headers)
            }
        }
        return (lines[0], headers)
    }

    /// The head read in place, or nil when a header line is folded.
    private func parseUnfoldedHead(_ bytes: ByteText, end: Int) throws(SIPParseError) -> (startLine: Substring, headers: SIPHeaders)? {
        // First pass: the line limit over every line, the first and last non-empty line, and
        // whether a header line between them is folded (starts with a blank).
        var firstLine: Range<Int>?
        var lastLineEnd = 0
        var headerLineCount = 0
        var isFolded = false
        var start = 0
        while start <= end {
            let (line, next) = bytes.line(from: start, end: end)
            guard line.count <= limits.maxHeaderLineBytes else {
                throw SIPParseError(.tooLarge, "a header line is longer than \(limits.maxHeaderLineBytes) bytes")
            }
            if !line.isEmpty {
                if firstLine == nil {
                    firstLine = line
                } else {
                    headerLineCount += 1
                    isFolded = isFolded || HeaderValueScanner.isBlank(bytes.bytes[line.lowerBound])
                }
                lastLineEnd = line.upperBound
            }
            start = next
        }
        guard let firstLine else { throw .unparseable("message has no start line") }
        guard !isFolded else { return nil }
        var headers = SIPHeaders()
        headers.reserveCapacity(headerLineCount, bytes: lastLineEnd - firstLine.upperBound)
        // Every line after the start line up to the last non-empty one; an empty one between
        // them is refused as a line without a colon.
        start = bytes.line(from: firstLine.lowerBound, end: end).next
        while start < lastLineEnd {
            let (line, next) = bytes.line(from: start, end: end)
            try Self.addHeader(bytes, line, to: &headers)
            start = next
        }
        return (Substring(bytes.string(firstLine)), headers)
    }

    /// Adds one `name: value` line, checking the name is a token; by byte offset throughout
    /// (a Character search runs grapheme breaking over the whole line).
    private static func addHeader(_ bytes: ByteText, _ line: Range<Int>, to headers: inout SIPHeaders) throws(SIPParseError) {
        guard let colon = bytes.first(ASCII.colon, in: line) else {
            throw .unparseable("header line '\(bytes.string(line).prefix(60))' has no ':'")
        }
        let name = bytes.trimmed(line.lowerBound..<colon)
        guard !name.isEmpty, bytes.allSatisfy(name, isTokenByte) else {
            throw .unparseable("header name '\(bytes.string(name).prefix(60))' is not a token")
        }
        let value = bytes.trimmed((colon + 1)..<line.upperBound)
        headers.add(name: UnsafeBufferPointer(rebasing: bytes.bytes[name]), value: UnsafeBufferPointer(rebasing: bytes.bytes[value]))
    }

    /// The decoded lines with folded continuation lines joined to the line before
    /// (RFC 3261 §7.3.1), without leading or trailing empty lines. Works on bytes: in Swift
    /// "\r\n" is a single Character, so splitting a String on "\n" would not.
    private static func unfold(_ rawLines: [ArraySlice<UInt8>]) -> [Substring] {
        var lines: [Substring] = []
        for raw in rawLines {
            let line = Substring(String(decoding: raw, as: UTF8.self))
            if let first = raw.first, first == 32 || first == 9, !lines.isEmpty {
                let previous = lines.removeLast()
                lines.append(Substring(String(previous) + " " + HeaderValueScanner.trimmed(line)))
                continue
            }
            if lines.isEmpty && line.isEmpty { continue }
            lines.append(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// Lines of `bytes` split at LF with a trailing CR removed.
    static func byteLines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        // Counted first: growing the array as lines turned up cost four or five allocations
        // per message.
        var lineFeeds = 0
        for byte in bytes where byte == 10 { lineFeeds += 1 }
        result.reserveCapacity(lineFeeds + 1)
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index <= bytes.endIndex {
            if index == bytes.endIndex || bytes[index] == 10 {
                var end = index
                if end > start, bytes[end - 1] == 13 { end -= 1 }
                result.append(bytes[start..<end])
                start = index + 1
            }
            index += 1
        }
        return result
    }

    /// Where the header block ends: index after the blank line, accepting bare LF line ends.
    static func endOfHeaders(in bytes: [UInt8]) -> (headerBytesEnd: Int, bodyStart: Int)? {
        var index = 0
        while index < bytes.count {
            if bytes[index] == 10 {  // LF
                let next = index + 1
                if next < bytes.count, bytes[next] == 10 { return (index, next + 1) }
                if next + 1 < bytes.count, bytes[next] == 13, bytes[next + 1] == 10 { return (index, next + 2) }
            }
            index += 1
        }
        return nil
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "-.!%*_+`'~".utf8.contains(byte)
        }
    }
}
