import VPBXSIP

/// Turns a parse error into the response the transport sends itself, in the spirit of NIO's
/// `HTTPServerProtocolErrorHandler`: a `400` whose reason phrase is the parser's message, or a
/// `513` for an oversized request. Only requests parsed far enough to copy Via, From, To,
/// Call-ID and CSeq are answered; anything else (and any ACK, which is never answered) is not.
enum SIPParseErrorResponder {
    /// Longest reason phrase we send; parser messages quote peer input and could be long.
    static let maxReasonLength = 160

    static func response(for error: SIPParseError) -> SIPResponse? {
        guard var request = error.partialRequest, request.method != .ack else { return nil }
        for name in ["Via", "From", "To", "Call-ID", "CSeq"] {
            guard let value = request.headers[name], !value.isEmpty else { return nil }
        }
        request.headers.remove("Record-Route")
        switch error.kind {
        case .badRequest:
            return SIPResponse(to: request, status: 400, reason: reasonPhrase(error.message), toTag: makeTag())
        case .tooLarge:
            return SIPResponse(to: request, status: 513, toTag: makeTag())
        case .unparseable:
            return nil
        }
    }

    /// One line of printable text: control characters (CR and LF above all, which would let a
    /// peer inject header lines) become spaces, runs of spaces collapse, the length is capped.
    static func reasonPhrase(_ message: String) -> String {
        var text = ""
        var lastWasSpace = true
        for scalar in message.unicodeScalars {
            let isControl = scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value)
            if isControl || scalar == " " {
                if !lastWasSpace { text.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                text.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
            if text.unicodeScalars.count >= maxReasonLength { break }
        }
        while text.hasSuffix(" ") { text.removeLast() }
        return text.isEmpty ? "Bad Request" : text
    }

    private static func makeTag() -> String {
        String(UInt64.random(in: 1...UInt64.max), radix: 36)
    }
}
