import VPBXText

/// A `sip:`, `sips:` or `tel:` URI (RFC 3261 §19.1, RFC 3966). The user part is kept decoded
/// (`%40` becomes `@`) and escaped again on output, so comparisons see what the user meant.
public struct SIPURI: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var scheme: String
    public var user: String?
    public var password: String?
    /// Host name or address; IPv6 addresses without the surrounding brackets.
    public var host: String
    public var port: Int?
    public var parameters: [SIPParameter]
    /// `?name=value&...` headers, kept raw.
    public var headers: String?

    public init(
        scheme: String = "sip", user: String? = nil, password: String? = nil, host: String,
        port: Int? = nil, parameters: [SIPParameter] = [], headers: String? = nil
    ) {
        self.scheme = scheme
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = headers
    }

    /// The `transport=` parameter lower-cased, if any.
    public var transportParameter: String? {
        parameters.value(named: "transport").flatMap { $0 }?.lowercased()
    }

    /// `host:port` with IPv6 brackets, the port omitted when absent.
    public var hostPort: String {
        var text = ""
        SIPURI.writeHostPort(host: host, port: port, to: &text)
        return text
    }

    /// Appends `host:port` (IPv6 in brackets, no port when nil): URIs and Vias write it alike.
    static func writeHostPort(host: String, port: Int?, to text: inout String) {
        if host.utf8.contains(ASCII.colon) {
            text.append("[")
            text.append(host)
            text.append("]")
        } else {
            text.append(host)
        }
        if let port {
            text.append(":")
            text.append(String(port))
        }
    }

    public var description: String { serialized }

    public var serialized: String {
        var text = ""
        text.reserveCapacity(48)
        write(to: &text)
        return text
    }

    /// Appends the URI to `text`: one growing buffer instead of a string per part (a message
    /// we build writes several URIs).
    public func write(to text: inout String) {
        text.append(scheme)
        text.append(":")
        if scheme.caseInsensitiveEquals("tel") {
            text.append(user ?? host)
            parameters.write(to: &text)
            return
        }
        if let user {
            SIPURI.writeEscapedUser(user, to: &text)
            if let password {
                text.append(":")
                text.append(password)
            }
            text.append("@")
        }
        SIPURI.writeHostPort(host: host, port: port, to: &text)
        parameters.write(to: &text)
        if let headers {
            text.append("?")
            text.append(headers)
        }
    }

    private static func writeEscapedUser(_ user: String, to text: inout String) {
        // The usual user part (digits, letters) needs no escaping: appended as it is.
        guard !user.utf8.allSatisfy(isUserSafe) else {
            text.append(user)
            return
        }
        for byte in user.utf8 {
            if isUserSafe(byte) {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
    }

    /// unreserved / user-unreserved characters from the RFC 3261 grammar.
    private static func isUserSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-_.!~*'()&=+$,;?/".utf8.contains(byte)
        }
    }
}
