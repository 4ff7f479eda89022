import VPBXText

extension SIPURI {
    /// Parses a URI. Errors name what was wrong, for a `400` reason phrase.
    public init(parsing text: some StringProtocol) throws(SIPParseError) {
        let text = Substring(text)
        if let uri = ByteText.with(text, { SIPURI(plain: $0, $0.all) }) {
            self = uri
            return
        }
        try self.init(parsingAnyShape: text)
    }

    /// The common shape read by offset (``ByteText``): a `sip:` or `sips:` URI with an
    /// unescaped user part and an ASCII host. Nil for anything else, left to
    /// ``init(parsingAnyShape:)``.
    init?(plain bytes: ByteText, _ range: Range<Int>) {
        guard let colon = bytes.first(ASCII.colon, in: range) else { return nil }
        let schemeBytes = range.lowerBound..<colon
        let scheme: String
        if bytes.equalsIgnoringCase(schemeBytes, "sip") {
            scheme = "sip"
        } else if bytes.equalsIgnoringCase(schemeBytes, "sips") {
            scheme = "sips"
        } else {
            return nil
        }
        var rest = (colon + 1)..<range.upperBound
        var headers: String?
        if let question = bytes.first(ASCII.question, in: rest) {
            headers = bytes.string((question + 1)..<rest.upperBound)
            rest = rest.lowerBound..<question
        }
        var user: String?
        var password: String?
        if let at = bytes.last(ASCII.at, in: rest) {
            var userBytes = rest.lowerBound..<at
            if let passwordColon = bytes.first(ASCII.colon, in: userBytes) {
                password = bytes.string((passwordColon + 1)..<userBytes.upperBound)
                userBytes = userBytes.lowerBound..<passwordColon
            }
            guard !userBytes.isEmpty, bytes.first(ASCII.percent, in: userBytes) == nil else { return nil }
            user = bytes.string(userBytes)
            rest = (at + 1)..<rest.upperBound
        }
        let parametersStart = bytes.first(ASCII.semicolon, in: rest) ?? rest.upperBound
        guard let (host, port) = bytes.hostPort(rest.lowerBound..<parametersStart) else { return nil }
        self.init(
            scheme: scheme, user: user, password: password, host: host, port: port,
            parameters: bytes.parameters(parametersStart..<rest.upperBound), headers: headers)
    }

    /// Any URI shape, by Substring; every error is raised here.
    init(parsingAnyShape text: Substring) throws(SIPParseError) {
        // Separators are found by byte, not by Character: see HeaderValueScanner.
        guard let colon = text.utf8.firstIndex(of: ASCII.colon) else {
            throw .bad("URI '\(text)' has no scheme (expected 'sip:...')")
        }
        let scheme = String(text[text.startIndex..<colon])
        var rest = text[text.utf8.index(after: colon)...]
        guard !scheme.isEmpty, scheme.utf8.allSatisfy(ASCII.isLetter) || scheme.allSatisfy({ $0.isLetter }) else {
            throw .bad("URI '\(text)' has an invalid scheme")
        }
        if scheme.caseInsensitiveEquals("tel") {
            let semicolon = rest.utf8.firstIndex(of: ASCII.semicolon) ?? rest.endIndex
            let number = String(rest[rest.startIndex..<semicolon])
            guard !number.isEmpty else { throw .bad("tel URI '\(text)' has no number") }
            self.init(scheme: "tel", user: number, host: "", parameters: HeaderValueScanner.parameters(rest[semicolon...]))
            return
        }
        guard scheme.caseInsensitiveEquals("sip") || scheme.caseInsensitiveEquals("sips") else {
            throw .bad("URI scheme '\(scheme)' is not supported (expected sip, sips or tel)")
        }
        var headers: String?
        if let question = rest.utf8.firstIndex(of: ASCII.question) {
            headers = String(rest[rest.utf8.index(after: question)...])
            rest = rest[rest.startIndex..<question]
        }
        var user: String?
        var password: String?
        if let at = rest.utf8.lastIndex(of: ASCII.at) {
            let userInfo = rest[rest.startIndex..<at]
            rest = rest[rest.utf8.index(after: at)...]
            if let passColon = userInfo.utf8.firstIndex(of: ASCII.colon) {
                user = try Self.unescape(userInfo[userInfo.startIndex..<passColon])
                password = String(userInfo[userInfo.utf8.index(after: passColon)...])
            } else {
                user = try Self.unescape(userInfo)
            }
            if user?.isEmpty == true { throw .bad("URI '\(text)' has an empty user part") }
        }
        let paramStart = rest.utf8.firstIndex(of: ASCII.semicolon) ?? rest.endIndex
        let hostPort = rest[rest.startIndex..<paramStart]
        let (host, port) = try Self.splitHostPort(hostPort, in: text)
        self.init(
            scheme: scheme.lowercased(), user: user, password: password, host: host, port: port,
            parameters: HeaderValueScanner.parameters(rest[paramStart...]), headers: headers)
    }

    static func splitHostPort(_ text: Substring, in whole: Substring) throws(SIPParseError) -> (String, Int?) {
        var host: Substring
        var portText: Substring?
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]") else { throw .bad("URI '\(whole)' has an unterminated IPv6 address") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.first == ":" { portText = after.dropFirst() } else if !after.isEmpty {
                throw .bad("URI '\(whole)' has garbage after the IPv6 address")
            }
        } else if let colon = text.utf8.firstIndex(of: ASCII.colon) {
            host = text[text.startIndex..<colon]
            portText = text[text.utf8.index(after: colon)...]
        } else {
            host = text
        }
        // The byte test decides every ASCII host alike to the Character test, much faster; only
        // hosts it rejects (non-ASCII, or invalid) take the Unicode-aware path.
        guard !host.isEmpty,
            host.utf8.allSatisfy(Self.isASCIIHostByte)
                || host.allSatisfy({ $0.isLetter || $0.isNumber || "-._:".contains($0) })
        else {
            throw .bad("URI '\(whole)' has an invalid host '\(host)'")
        }
        var port: Int?
        if let portText {
            guard let value = Int(portText), value > 0, value <= 65_535 else {
                throw .bad("URI '\(whole)' has an invalid port '\(portText)'")
            }
            port = value
        }
        return (String(host), port)
    }

    static func isASCIIHostByte(_ byte: UInt8) -> Bool {
        ASCII.isLetter(byte) || ASCII.isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "_") || byte == ASCII.colon
    }

    static func unescape(_ text: Substring) throws(SIPParseError) -> String {
        guard text.utf8.contains(ASCII.percent) else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { throw .bad("URI user part '\(text)' has a broken %-escape") }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
