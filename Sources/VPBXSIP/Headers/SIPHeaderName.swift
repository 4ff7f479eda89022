/// How ``SIPHeaders`` tells header names apart: the well-known names by a small number, so a
/// stored field carries no string for its name and a lookup compares two integers; any other
/// name by its lower-cased spelling. Compact forms (`i`, `v`, `m`, ...) and every casing of a
/// known name resolve to the same number.
struct SIPHeaderName: Sendable, Equatable {
    /// The known name's number in ``SIPHeaderName/canonicalNames``; 0 for any other name.
    let id: UInt16
    /// The lower-cased name when `id` is 0 (the lookup key); empty otherwise.
    let otherKey: String

    init(id: UInt16) {
        self.id = id
        self.otherKey = ""
    }

    private init(otherKey: String) {
        self.id = 0
        self.otherKey = otherKey
    }

    /// The name `spelling` stands for, with the spelling to store for it: the canonical one
    /// for a known name or compact form (`call-id` and `i` → `Call-ID`), else as written.
    static func resolve(_ spelling: String) -> (name: SIPHeaderName, canonical: String) {
        if let id = commonSpellingID(spelling) ?? idsBySpelling[spelling] {
            return (SIPHeaderName(id: id), canonicalNames[Int(id)])
        }
        let lower = spelling.lowercased()
        if let id = idsBySpelling[lower] {
            return (SIPHeaderName(id: id), canonicalNames[Int(id)])
        }
        return (SIPHeaderName(otherKey: lower), spelling)
    }

    /// The name alone, for a lookup.
    static func named(_ spelling: String) -> SIPHeaderName { resolve(spelling).name }

    /// The lower-cased name: the lookup key the message's users see in ``SIPHeaders/Field``.
    var key: String { id == 0 ? otherKey : Self.keys[Int(id)] }

    // The names the call path looks up most, by their numbers in ``canonicalNames``:
    // computed, so reading one is a constant rather than a lazily initialized global (the
    // test of the table checks every number against its name).
    static var via: SIPHeaderName { SIPHeaderName(id: 1) }
    static var from: SIPHeaderName { SIPHeaderName(id: 2) }
    static var to: SIPHeaderName { SIPHeaderName(id: 3) }
    static var callID: SIPHeaderName { SIPHeaderName(id: 4) }
    static var cseq: SIPHeaderName { SIPHeaderName(id: 5) }
    static var route: SIPHeaderName { SIPHeaderName(id: 10) }
    static var recordRoute: SIPHeaderName { SIPHeaderName(id: 11) }
    static var contentLength: SIPHeaderName { SIPHeaderName(id: 8) }

    /// The known names, by number (0 is no name). Every name the engine reads or writes on a
    /// call's path is here, and the full forms of every compact form.
    static let canonicalNames = [
        "", "Via", "From", "To", "Call-ID", "CSeq", "Contact", "Max-Forwards", "Content-Length",
        "Content-Type", "Route", "Record-Route", "Expires", "Min-Expires", "Allow", "Supported",
        "Require", "Unsupported", "User-Agent", "Server", "Authorization", "Proxy-Authorization",
        "WWW-Authenticate", "Proxy-Authenticate", "Authentication-Info", "Event", "Subscription-State",
        "Accept", "Reason", "Date", "Retry-After", "Warning", "Allow-Events", "Session-Expires",
        "Min-SE", "P-Asserted-Identity", "Diversion", "Refer-To", "Referred-By", "Replaces",
        "Content-Encoding", "Subject", "Accept-Contact", "Reject-Contact", "Request-Disposition", "Identity",
    ]

    static let keys = canonicalNames.map { $0.lowercased() }

    /// The canonical names' bytes, for the serializer.
    static let canonicalBytes = canonicalNames.map { Array($0.utf8) }

    static let compactForms: [String: String] = [
        "i": "Call-ID", "m": "Contact", "e": "Content-Encoding", "l": "Content-Length",
        "c": "Content-Type", "f": "From", "s": "Subject", "k": "Supported", "t": "To", "v": "Via",
        "o": "Event", "u": "Allow-Events", "r": "Refer-To", "b": "Referred-By", "x": "Session-Expires",
        "a": "Accept-Contact", "j": "Reject-Contact", "d": "Request-Disposition", "y": "Identity",
    ]

    /// Canonical and lower-case spellings of the known names and both cases of their compact
    /// forms.
    static let idsBySpelling: [String: UInt16] = {
        var table: [String: UInt16] = [:]
        for (index, name) in canonicalNames.enumerated() where index > 0 {
            table[name] = UInt16(index)
            table[name.lowercased()] = UInt16(index)
        }
        for (compact, canonical) in compactForms {
            let id = table[canonical]!
            table[compact] = id
            table[compact.uppercased()] = id
        }
        return table
    }()

    /// The numbers of the names every call reads and writes many times, found by length and
    /// one comparison of short inline strings instead of hashing the spelling for the table
    /// (hashing header names was about 2 % of the engine's time under call load). Canonical
    /// spellings only; agrees with ``idsBySpelling``, which has everything else.
    @inline(__always)
    static func commonSpellingID(_ name: String) -> UInt16? {
        switch name.utf8.count {
        case 2: if name == "To" { return 3 }
        case 3: if name == "Via" { return 1 }
        case 4:
            if name == "From" { return 2 }
            if name == "CSeq" { return 5 }
        case 5:
            if name == "Route" { return 10 }
            if name == "Allow" { return 14 }
        case 6: if name == "Server" { return 19 }
        case 7:
            if name == "Call-ID" { return 4 }
            if name == "Contact" { return 6 }
            if name == "Expires" { return 12 }
        case 9: if name == "Supported" { return 15 }
        case 10: if name == "User-Agent" { return 18 }
        case 12:
            if name == "Content-Type" { return 9 }
            if name == "Max-Forwards" { return 7 }
            if name == "Record-Route" { return 11 }
        case 14: if name == "Content-Length" { return 8 }
        default: break
        }
        return nil
    }

    /// Every spelling ``commonSpellingID(_:)`` knows, for the test that checks it against the table.
    static let commonSpellingNames = [
        "To", "Via", "From", "CSeq", "Route", "Allow", "Server", "Call-ID", "Contact", "Expires", "Supported",
        "User-Agent", "Content-Type", "Max-Forwards", "Record-Route", "Content-Length",
    ]
}
