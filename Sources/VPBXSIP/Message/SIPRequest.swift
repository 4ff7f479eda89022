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
        var text = "\(method.name) \(uri.serialized) SIP/2.0\r\n"
        SIPMessageWriter.appendHeaders(headers, bodyCount: body.count, to: &text)
        return SIPMessageWriter.bytes(head: text, body: body)
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
        var headers = SIPHeaders()
        for line in request.headers.lines("Via") { headers.add("Via", line) }
        if let from = request.headers["From"] { headers.add("From", from) }
        if var to = request.headers["To"] {
            if status != 100, let toTag, var address = try? NameAddress(parsing: to), address.tag == nil {
                address.tag = toTag
                to = address.serialized
            }
            headers.add("To", to)
        }
        if let callID = request.headers["Call-ID"] { headers.add("Call-ID", callID) }
        if let cseq = request.headers["CSeq"] { headers.add("CSeq", cseq) }
        self.init(statusCode: status, reason: reason, headers: headers)
    }

    public var isProvisional: Bool { statusCode < 200 }
    public var isSuccess: Bool { (200..<300).contains(statusCode) }

    public func serialized() -> [UInt8] {
        var text = "SIP/2.0 \(statusCode) \(reason)\r\n"
        SIPMessageWriter.appendHeaders(headers, bodyCount: body.count, to: &text)
        return SIPMessageWriter.bytes(head: text, body: body)
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
    static func appendHeaders(_ headers: SIPHeaders, bodyCount: Int, to text: inout String) {
        for field in headers where field.key != "content-length" {
            text += field.name
            text += ": "
            text += field.value
            text += "\r\n"
        }
        text += "Content-Length: \(bodyCount)\r\n\r\n"
    }

    static func bytes(head: String, body: [UInt8]) -> [UInt8] {
        var bytes = Array(head.utf8)
        bytes.append(contentsOf: body)
        return bytes
    }
}
