import VPBXRTP

/// The body of a SIP INFO carrying a key press, the fallback for phones that do not send
/// RFC 4733 events: `application/dtmf-relay` (`Signal=5` and `Duration=160` lines, the
/// de-facto format of Cisco and most SIP phones) or `application/dtmf` (just the key).
public struct DTMFRelayBody: Sendable, Equatable {
    /// The key pressed.
    public var digit: DTMFDigit
    /// How long it was held, in milliseconds, when the body says so.
    public var durationMilliseconds: Int?

    /// A body from its parts.
    public init(digit: DTMFDigit, durationMilliseconds: Int? = nil) {
        self.digit = digit
        self.durationMilliseconds = durationMilliseconds
    }

    /// Parses a body of content type `contentType` (parameters after `;` ignored); nil when
    /// the type is neither DTMF type or the body names no key. Unknown lines are skipped.
    public init?(contentType: String, body: String) {
        let type = contentType.split(separator: ";").first.map { $0.trimmingSpaces().lowercased() } ?? ""
        switch type {
        case "application/dtmf":
            guard let character = body.trimmingSpaces().first, body.trimmingSpaces().count == 1,
                let digit = DTMFDigit(character: character)
            else { return nil }
            self.init(digit: digit)
        case "application/dtmf-relay":
            var digit: DTMFDigit?
            var duration: Int?
            for line in body.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let value = parts[1].trimmingSpaces()
                switch parts[0].trimmingSpaces().lowercased() {
                case "signal":
                    // Some phones send the RFC 4733 event code (10, 11) for * and #.
                    if value.count == 1, let character = value.first {
                        digit = DTMFDigit(character: character)
                    } else if let code = UInt8(value) {
                        digit = DTMFDigit(event: code)
                    }
                case "duration": duration = Int(value).flatMap { $0 >= 0 ? $0 : nil }
                default: continue
                }
            }
            guard let digit else { return nil }
            self.init(digit: digit, durationMilliseconds: duration)
        default:
            return nil
        }
    }

    /// The `application/dtmf-relay` text for this key (what we send in an INFO).
    public var relayText: String {
        "Signal=\(digit.rawValue)\r\nDuration=\(durationMilliseconds ?? 160)\r\n"
    }
}

extension StringProtocol {
    /// The text without leading and trailing white space (Foundation-free; `\r\n` is one
    /// Character in Swift, which `isWhitespace` covers).
    fileprivate func trimmingSpaces() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
