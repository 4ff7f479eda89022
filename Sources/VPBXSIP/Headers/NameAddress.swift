import VPBXText

/// `"Display" <sip:uri>;params` as used by From, To, Contact, Route and Record-Route.
/// Header parameters (`tag`, `expires`, `q`) are kept apart from URI parameters, which is the
/// distinction RFC 3261 §20 makes with the angle brackets.
public struct NameAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var displayName: String?
    public var uri: SIPURI
    public var parameters: [SIPParameter]

    public init(displayName: String? = nil, uri: SIPURI, parameters: [SIPParameter] = []) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
    }

    public var tag: String? {
        get { parameters.value(named: "tag").flatMap { $0 } }
        set { if let newValue { parameters.set("tag", newValue) } else { parameters.remove(named: "tag") } }
    }

    public var description: String { serialized }

    /// Always written with angle brackets: it is the unambiguous form.
    public var serialized: String {
        var text = ""
        text.reserveCapacity(64)
        if let displayName, !displayName.isEmpty {
            text.append(HeaderValueScanner.quoted(displayName))
            text.append(" ")
        }
        text.append("<")
        uri.write(to: &text)
        text.append(">")
        parameters.write(to: &text)
        return text
    }

    public init(parsing text: some StringProtocol) throws(SIPParseError) {
        let text = Substring(text)
        if let address = ByteText.with(text, { NameAddress(plain: $0, $0.all) }) {
            self = address
            return
        }
        try self.init(parsingAnyShape: text)
    }

    /// The common shape read by offset (``ByteText``): an ASCII display name and a URI
    /// ``SIPURI/init(plain:_:)`` reads. Nil for anything else.
    init?(plain bytes: ByteText, _ range: Range<Int>) {
        let text = bytes.trimmed(range)
        if let open = bytes.firstUnquotedAngle(in: text) {
            guard let close = bytes.first(ASCII.greaterThan, in: open..<text.upperBound) else { return nil }
            let name = bytes.trimmed(text.lowerBound..<open)
            var displayName: String?
            if !name.isEmpty {
                guard let unquoted = bytes.unquotedASCII(name) else { return nil }
                displayName = unquoted
            }
            guard let uri = SIPURI(plain: bytes, (open + 1)..<close) else { return nil }
            self.init(displayName: displayName, uri: uri, parameters: bytes.parameters((close + 1)..<text.upperBound))
        } else {
            // addr-spec without brackets: everything after the first ';' belongs to the header.
            let semicolon = bytes.first(ASCII.semicolon, in: text) ?? text.upperBound
            guard let uri = SIPURI(plain: bytes, text.lowerBound..<semicolon) else { return nil }
            self.init(uri: uri, parameters: bytes.parameters(semicolon..<text.upperBound))
        }
    }

    /// Any shape, by Substring; every error is raised here.
    init(parsingAnyShape text: Substring) throws(SIPParseError) {
        let text = HeaderValueScanner.trimmed(text)
        if let open = Self.firstUnquotedAngle(in: text) {
            guard let close = text[open...].utf8.firstIndex(of: ASCII.greaterThan) else {
                throw .bad("address '\(text)' is missing '>'")
            }
            let name = HeaderValueScanner.trimmed(text[text.startIndex..<open])
            self.displayName = name.isEmpty ? nil : HeaderValueScanner.unquoted(name)
            self.uri = try SIPURI(parsing: text[text.utf8.index(after: open)..<close])
            self.parameters = HeaderValueScanner.parameters(text[text.utf8.index(after: close)...])
        } else {
            // addr-spec without brackets: everything after the first ';' belongs to the header.
            let semicolon = text.utf8.firstIndex(of: ASCII.semicolon) ?? text.endIndex
            self.displayName = nil
            self.uri = try SIPURI(parsing: text[text.startIndex..<semicolon])
            self.parameters = HeaderValueScanner.parameters(text[semicolon...])
        }
    }

    /// The first `<` outside a quoted string, found by ``ByteText/firstUnquotedAngle(in:)``.
    private static func firstUnquotedAngle(in text: Substring) -> Substring.Index? {
        let utf8 = text.utf8
        return ByteText.with(text) { $0.firstUnquotedAngle(in: $0.all) }.map { utf8.index(utf8.startIndex, offsetBy: $0) }
    }
}
