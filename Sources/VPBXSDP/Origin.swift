import VPBXText

/// The `o=` line: who created the session and which revision of it this body is.
public struct Origin: Sendable, Equatable {
    public var username: String
    /// Numeric string identifying the session; kept as text because RFC 8866 allows any
    /// number of digits and a B2BUA only copies or compares it.
    public var sessionID: String
    /// Incremented each time the session changes (RFC 3264 §8).
    public var sessionVersion: UInt64
    public var netType: String
    public var addrType: String
    public var address: String

    public init(
        username: String = "-",
        sessionID: String,
        sessionVersion: UInt64,
        netType: String = "IN",
        addrType: String = "IP4",
        address: String
    ) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.netType = netType
        self.addrType = addrType
        self.address = address
    }

    init(parsing text: ByteText, _ value: Range<Int>, line: Int) throws(SDPError) {
        let parts = text.split(value, at: UInt8(ascii: " "))
        guard parts.count == 6 else {
            throw SDPError(
                .invalidValue, line: line,
                "'o=' must have 6 fields '<username> <sess-id> <sess-version> <nettype> <addrtype> <address>', got '\(text.string(value))'"
            )
        }
        guard let version = text.decimal(parts[2], upTo: .max) ?? UInt64(text.string(parts[2])) else {
            throw SDPError(.invalidValue, line: line, "'o=' session version must be a number, got '\(text.string(parts[2]))'")
        }
        self.init(
            username: text.string(parts[0]), sessionID: text.string(parts[1]), sessionVersion: version,
            netType: text.string(parts[3]), addrType: text.string(parts[4]), address: text.string(parts[5]))
    }

    var serialized: String {
        "\(username) \(sessionID) \(sessionVersion) \(netType) \(addrType) \(address)"
    }
}
