import VPBXText

/// One Via entry (`SIP/2.0/UDP host:port;branch=z9hG4bK...;rport`). The top Via tells where a
/// response goes (RFC 3261 §18.2.2, RFC 3581) and its branch identifies the transaction.
public struct Via: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Magic cookie that marks an RFC 3261 branch (§8.1.1.7).
    public static let branchCookie = "z9hG4bK"

    public var transport: String
    public var host: String
    public var port: Int?
    public var parameters: [SIPParameter]

    public init(transport: String, host: String, port: Int?, parameters: [SIPParameter] = []) {
        self.transport = transport.uppercased()
        self.host = host
        self.port = port
        self.parameters = parameters
    }

    public var branch: String? {
        get { parameters.value(named: "branch").flatMap { $0 } }
        set { if let newValue { parameters.set("branch", newValue) } else { parameters.remove(named: "branch") } }
    }

    public var received: String? { parameters.value(named: "received").flatMap { $0 } }

    /// `rport` present (with or without a value).
    public var hasRport: Bool { parameters.contains(named: "rport") }

    public var rport: Int? { parameters.value(named: "rport").flatMap { $0 }.flatMap { Int($0) } }

    public var description: String { serialized }

    public var serialized: String {
        var text = "SIP/2.0/"
        text.reserveCapacity(64)
        text.append(transport)
        text.append(" ")
        SIPURI.writeHostPort(host: host, port: port, to: &text)
        parameters.write(to: &text)
        return text
    }

    public init(parsing text: some StringProtocol) throws(SIPParseError) {
        let text = Substring(text)
        if let via = ByteText.with(text, { Via(plain: $0, $0.all) }) {
            self = via
            return
        }
        try self.init(parsingAnyShape: text)
    }

    /// The common shape read by offset (``ByteText``): `SIP/2.0/` and an upper-case
    /// transport, an ASCII host, plain parameters. Nil for anything else.
    init?(plain bytes: ByteText, _ range: Range<Int>) {
        let text = bytes.trimmed(range)
        guard bytes.hasPrefix("SIP/2.0/", in: text), let space = bytes.firstBlank(in: text) else { return nil }
        let transport = (text.lowerBound + 8)..<space
        let isUpperCaseToken = { (byte: UInt8) in
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || ASCII.isDigit(byte)
        }
        guard !transport.isEmpty, bytes.allSatisfy(transport, isUpperCaseToken) else { return nil }
        let rest = bytes.trimmed(space..<text.upperBound)
        let semicolon = bytes.first(ASCII.semicolon, in: rest) ?? rest.upperBound
        guard let (host, port) = bytes.hostPort(bytes.trimmed(rest.lowerBound..<semicolon)) else { return nil }
        self.transport = bytes.string(transport)  // already upper case
        self.host = host
        self.port = port
        self.parameters = bytes.parameters(semicolon..<rest.upperBound)
    }

    /// Any shape, by Substring; every error is raised here.
    init(parsingAnyShape text: Substring) throws(SIPParseError) {
        let text = HeaderValueScanner.trimmed(text)
        guard let space = text.utf8.firstIndex(where: HeaderValueScanner.isBlank) else {
            throw .bad("header 'Via' is malformed: expected 'SIP/2.0/<transport> <host>', got '\(text)'")
        }
        let transport = try Self.transport(inProtocol: text[text.startIndex..<space])
        let rest = HeaderValueScanner.trimmed(text[space...])
        let semicolon = rest.utf8.firstIndex(of: ASCII.semicolon) ?? rest.endIndex
        let sentBy = HeaderValueScanner.trimmed(rest[rest.startIndex..<semicolon])
        let (host, port) = try SIPURI.splitHostPort(sentBy, in: text)
        self.init(
            transport: String(transport), host: host, port: port,
            parameters: HeaderValueScanner.parameters(rest[semicolon...]))
    }

    /// The transport of `SIP/2.0/<transport>`. The exact common spelling is read in place;
    /// anything else (another case, empty parts) is split as before.
    private static func transport(inProtocol text: Substring) throws(SIPParseError) -> Substring {
        let prefix = "SIP/2.0/".utf8
        if text.utf8.starts(with: prefix) {
            let transport = text[text.utf8.index(text.startIndex, offsetBy: prefix.count)...]
            if !transport.isEmpty, !transport.utf8.contains(ASCII.slash), !transport.utf8.contains(where: HeaderValueScanner.isBlank) {
                return transport
            }
        }
        let parts = text.utf8.split(separator: ASCII.slash).map { HeaderValueScanner.trimmed(Substring($0)) }
        guard parts.count == 3, parts[0].caseInsensitiveEquals("SIP"), parts[1] == "2.0" else {
            throw .bad("header 'Via' is malformed: expected 'SIP/2.0/<transport>', got '\(text)'")
        }
        return parts[2]
    }
}
