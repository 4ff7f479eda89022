/// A SIP request. A value type: the transaction and dialog layers copy and adjust it freely.
public struct SIPRequest: Sendable, Equatable {
    public var method: SIPMethod
    public var uri: SIPURI
    public var headers: SIPHeaders
    public var body: [UInt8]

    public init(method: SIPMethod, uri: SIPURI, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
    }

    /// The request line and headers, with Content-Length always matching the body.
    public func serialized() -> [UInt8] {
        var startLine = method.name
        startLine.append(" ")
        uri.write(to: &startLine)
        startLine.append(" SIP/2.0")
        return SIPMessageWriter.bytes(startLine: startLine, headers: headers, body: body)
    }

    /// The lines of a request that identify it or build a CANCEL, a hop-by-hop ACK or a dialog
    /// from it (request line, Via, From, To, Call-ID, CSeq, Route); no body. For an INVITE kept
    /// up to 64·T1 (32 s over UDP) after its call ended, for a late answer to a leg that was
    /// still ringing: whole messages kept that long cost the engine about 15 KB per call.
    public func trimmedForMatching() -> SIPRequest {
        SIPRequest(method: method, uri: uri, headers: headers.keeping(Self.matchingKeys))
    }

    static let matchingKeys: [SIPHeaderName] = [.via, .from, .to, .callID, .cseq, .route]

    /// The same request without its parsed header values (``SIPHeaders/withoutParsedValues()``),
    /// for one kept only to be sent again.
    public func keptForResending() -> SIPRequest {
        var request = self
        request.headers = headers.withoutParsedValues()
        return request
    }
}

/// A SIP response.
public struct SIPResponse: Sendable, Equatable {
    public var statusCode: Int
    public var reason: String
    public var headers: SIPHeaders
    public var body: [UInt8]

    public init(statusCode: Int, reason: String? = nil, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = []) {
        self.statusCode = statusCode
        self.reason = reason ?? SIPStatus.reasonPhrase(for: statusCode)
        self.headers = headers
        self.body = body
    }

    /// A response to `request` per RFC 3261 §8.2.6: Via, From, To, Call-ID and CSeq copied; for
    /// anything but 100 a To tag is added when the request had none (`toTag`).
    public init(to request: SIPRequest, status: Int, reason: String? = nil, toTag: String? = nil) {
        let copied = request.headers
        var headers = SIPHeaders()
        // The copied lines, plus room for what the core adds (Contact, Server, Allow, ...).
        headers.reserveCapacity(
            copied.count(of: .via) + 8, bytes: copied.byteCount(of: Self.copiedFromRequest) + Self.roomForAddedLines)
        headers.appendFields(of: .via, from: copied)
        headers.appendFirstField(of: .from, from: copied)
        // `to()` is the parser's memo for a received request: no second parse. The tag is
        // appended to the request's own text, which the response must repeat anyway
        // (RFC 3261 §8.2.6.2): in an addr-spec without angle brackets, parameters after the
        // URI are header parameters too, so the append reads back as the same address.
        if status != 100, let toTag, var address = try? copied.to(), address.tag == nil {
            address.tag = toTag
            headers.appendFirstField(of: .to, from: copied, appending: ";tag=" + toTag, parsed: address)
        } else {
            headers.appendFirstField(of: .to, from: copied)
        }
        headers.appendFirstField(of: .callID, from: copied)
        headers.appendFirstField(of: .cseq, from: copied)
        // A response that makes a dialog carries the request's Record-Route, in order (RFC
        // 3261 §12.1.1): a proxy in front that record-routes stays on the dialog's path.
        if status > 100, status < 300, request.method == .invite || request.method == .subscribe {
            headers.appendFields(of: .recordRoute, from: copied)
        }
        self.init(statusCode: status, reason: reason, headers: headers)
    }

    static let copiedFromRequest: [SIPHeaderName] = [.via, .from, .to, .callID, .cseq]
    /// Bytes for the lines the core adds to a response (Contact, Server, Allow, Supported,
    /// Content-Type): one allocation for its storage rather than a doubling per line.
    static let roomForAddedLines = 256

    public var isProvisional: Bool { statusCode < 200 }
    public var isSuccess: Bool { (200..<300).contains(statusCode) }

    public func serialized() -> [UInt8] {
        var startLine = "SIP/2.0 "
        startLine.append(String(statusCode))
        startLine.append(" ")
        startLine.append(reason)
        return SIPMessageWriter.bytes(startLine: startLine, headers: headers, body: body)
    }
}

/// Either kind of message, as it comes off the wire.
public enum SIPMessage: Sendable, Equatable {
    case request(SIPRequest)
    case response(SIPResponse)

    public var headers: SIPHeaders {
        switch self {
        case .request(let request): request.headers
        case .response(let response): response.headers
        }
    }

    public func serialized() -> [UInt8] {
        switch self {
        case .request(let request): request.serialized()
        case .response(let response): response.serialized()
        }
    }
}

enum SIPMessageWriter {
    /// The message's bytes, written straight into one array sized up front (no intermediate
    /// String), with Content-Length always matching the body.
    static func bytes(startLine: String, headers: SIPHeaders, body: [UInt8]) -> [UInt8] {
        let size = startLine.utf8.count + 40 + body.count + headers.serializedSize()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        bytes.append(contentsOf: startLine.utf8)
        bytes.append(contentsOf: crlf)
        headers.write(to: &bytes, skipping: .contentLength)
        bytes.append(contentsOf: contentLengthName)
        appendDecimal(body.count, to: &bytes)
        bytes.append(contentsOf: crlf)
        bytes.append(contentsOf: crlf)
        bytes.append(contentsOf: body)
        return bytes
    }

    /// The digits of a non-negative `value`, with no intermediate String.
    static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        guard value > 0 else {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        let start = bytes.count
        var rest = value
        while rest > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        }
        bytes[start...].reverse()
    }

    private static let contentLengthName = Array("Content-Length: ".utf8)

    private static let crlf: [UInt8] = [13, 10]
}
