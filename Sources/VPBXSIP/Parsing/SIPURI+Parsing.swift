extension SIPURI {
    /// Parses a URI. Errors name what was wrong, for a `400` reason phrase.
    public init(parsing text: some StringProtocol) throws(SIPParseError) {
        let text = Substring(text)
        guard let colon = text.firstIndex(of: ":") else {
            throw .bad("URI '\(text)' has no scheme (expected 'sip:...')")
        }
        let scheme = String(text[text.startIndex..<colon])
        var rest = text[text.index(after: colon)...]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter }) else {
            throw .bad("URI '\(text)' has an invalid scheme")
        }
        if scheme.caseInsensitiveEquals("tel") {
            let semicolon = rest.firstIndex(of: ";") ?? rest.endIndex
            let number = String(rest[rest.startIndex..<semicolon])
            guard !number.isEmpty else { throw .bad("tel URI '\(text)' has no number") }
            self.init(scheme: "tel", user: number, host: "", parameters: HeaderValueScanner.parameters(rest[semicolon...]))
            return
        }
        guard scheme.caseInsensitiveEquals("sip") || scheme.caseInsensitiveEquals("sips") else {
            throw .bad("URI scheme '\(scheme)' is not supported (expected sip, sips or tel)")
        }
        var headers: String?
        if let question = rest.firstIndex(of: "?") {
            headers = String(rest[rest.index(after: question)...])
            rest = rest[rest.startIndex..<question]
        }
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[rest.startIndex..<at]
            rest = rest[rest.index(after: at)...]
            if let passColon = userInfo.firstIndex(of: ":") {
                user = try Self.unescape(userInfo[userInfo.startIndex..<passColon])
                password = String(userInfo[userInfo.index(after: passColon)...])
            } else {
                user = try Self.unescape(userInfo)
            }
            if user?.isEmpty == true { throw .bad("URI '\(text)' has an empty user part") }
        }
        let paramStart = rest.firstIndex(of: ";") ?? rest.endIndex
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
        } else if let colon = text.firstIndex(of: ":") {
            host = text[text.startIndex..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = text
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || "-._:".contains($0) }) else {
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

    static func unescape(_ text: Substring) throws(SIPParseError) -> String {
        guard text.contains("%") else { return String(text) }
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
