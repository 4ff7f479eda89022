import VPBXText

/// The header fields of a message in arrival order. Names are matched case-insensitively and
/// compact forms (`i`, `v`, `m`, ...) are expanded at insertion, so `headers["Call-ID"]` finds an
/// `i:` line. Values stay raw strings; typed views (`Via`, `CSeq`, ...) parse on demand, except
/// that the parser memoizes From, To, the top Via and CSeq of every message it reads (see
/// ``memoizeCommonHeaders()``): ingress validation, the transaction layer and the dialog layer
/// each read them, and parsing them once instead of three or four times is measurable at
/// thousands of messages per second. Any change to one of those headers forgets its value.
public struct SIPHeaders: Sendable, Equatable, Sequence {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
        /// Lower-cased canonical name, the lookup key.
        let key: String
    }

    private var fields: [Field] = []
    /// Shared between copies of the headers until one of them changes a memoized header:
    /// messages are copied often (into the core's queue, transactions, calls), and a copy of
    /// the parsed values themselves cost a reference count per string in them, about twenty.
    private var memoBox: MemoBox?

    /// Parsed values of the headers most read, by the parser's ``memoizeCommonHeaders()``.
    struct Memo: Sendable {
        var from: NameAddress? { didSet { fromTag = from.map { $0.tag } } }
        var to: NameAddress? { didSet { toTag = to.map { $0.tag } } }
        /// The tags of `from` and `to` (the outer nil: no address), kept apart: reading one
        /// out of the address in the box still copied the whole address (the optimizer does
        /// not borrow through the class).
        private(set) var fromTag: String??
        private(set) var toTag: String??
        var topVia: Via?
        var cseq: CSeq?

        mutating func forget(_ key: String) {
            switch key {
            case "from": from = nil
            case "to": to = nil
            case "via": topVia = nil
            case "cseq": cseq = nil
            default: break
            }
        }

        /// The lookup keys of the memoized headers.
        static let keys = ["from", "to", "via", "cseq"]
    }

    /// The memo's storage. Mutated only through ``changeMemo(_:)``, which copies it first when
    /// another `SIPHeaders` shares it (copy on write), so no value is changed behind a copy.
    final class MemoBox: @unchecked Sendable {
        var memo: Memo
        init(_ memo: Memo) { self.memo = memo }
    }

    private mutating func changeMemo(_ body: (inout Memo) -> Void) {
        // No local reference to the box may live across the uniqueness check: in a release
        // build one (a `guard let box = memoBox`) counted as a second owner, and every change
        // copied the memo into a new box: a message built header by header (Via, From, To,
        // CSeq) made four boxes instead of one (heaptrack, stop 24; debug builds did not).
        if memoBox == nil {
            memoBox = MemoBox(Memo())
        } else if !isKnownUniquelyReferenced(&memoBox!) {
            memoBox = MemoBox(memoBox!.memo)
        }
        body(&memoBox!.memo)
    }

    /// Forgets the parsed value of `key` (lower case) when it is one.
    private mutating func forgetMemo(_ key: String) {
        guard memoBox != nil, Memo.keys.contains(key) else { return }
        changeMemo { $0.forget(key) }
    }

    public init() {}

    /// Equal fields: the memo is derived from them.
    public static func == (lhs: SIPHeaders, rhs: SIPHeaders) -> Bool { lhs.fields == rhs.fields }

    /// Parses From, To, the top Via and CSeq once and keeps them for the typed accessors. A
    /// header that is missing or malformed is not kept, so its accessor still throws.
    ///
    /// - Parameter includingFrom: false for a response: nothing on the response path reads its
    ///   From (the dialog takes it from our request), and ``from()`` still parses on demand.
    public mutating func memoizeCommonHeaders(includingFrom: Bool = true) {
        // Filled in the box: a memo built aside was copied into it (a reference count per
        // string in four parsed headers) and then destroyed.
        let box = MemoBox(Memo())
        if includingFrom { box.memo.from = self["From"].flatMap { try? NameAddress(parsing: $0) } }
        box.memo.to = self["To"].flatMap { try? NameAddress(parsing: $0) }
        box.memo.topVia = plainTopVia() ?? firstValue("Via").flatMap { try? Via(parsing: $0) }
        box.memo.cseq = self["CSeq"].flatMap { try? CSeq(parsing: $0) }
        memoBox = box
    }

    /// The top Via when its element has the common shape, read by offset (``ByteText``);
    /// nil leaves it to ``firstValue(_:)`` and the general parser.
    private func plainTopVia() -> Via? {
        for field in fields where field.key == "via" {
            let found: Via?? = ByteText.with(Substring(field.value)) { bytes in
                guard let first = bytes.firstListElement(of: bytes.all) else { return .some(nil) }  // an empty line
                return Via(plain: bytes, first).map { .some($0) } ?? .none
            }
            switch found {
            case .some(.some(let via)): return via
            case .some(.none): continue
            case .none: return nil
            }
        }
        return nil
    }

    /// The first element of a list header, as `values(name).first` but without splitting the
    /// lines after the one it is on.
    public func firstValue(_ name: String) -> Substring? {
        let key = SIPHeaders.names(name).key
        for field in fields where field.key == key {
            if let first = HeaderValueScanner.firstElement(of: Substring(field.value)) { return first }
        }
        return nil
    }

    /// Which box holds the memo (tests: a change in place keeps it).
    var memoBoxIdentity: ObjectIdentifier? { memoBox.map(ObjectIdentifier.init) }

    /// All of the memo (tests); the core reads one value at a time below.
    var memoized: Memo { memoBox?.memo ?? Memo() }

    // One field each, read through the box: only that value is copied out.
    var memoizedFrom: NameAddress? { memoBox?.memo.from }
    var memoizedTo: NameAddress? { memoBox?.memo.to }
    var memoizedTopVia: Via? { memoBox?.memo.topVia }
    var memoizedCSeq: CSeq? { memoBox?.memo.cseq }

    /// The tag of the memoized From or To, without the address: copying it out costs a
    /// reference count per string in its URI and parameters, to read one parameter. The
    /// outer nil: that header is not memoized.
    var memoizedFromTag: String?? { memoBox?.memo.fromTag }
    var memoizedToTag: String?? { memoBox?.memo.toTag }

    /// Replaces the first Via element with `via` (the received/rport stamp), keeping it parsed.
    public mutating func replaceTopVia(_ via: Via) {
        removeFirstValue("Via")
        prepend("Via", via.serialized)
        changeMemo { $0.topVia = via }
    }

    /// Appends `via`; when it is the first Via (a request we originate) it is kept parsed, so
    /// the transaction key needs no parse of what we just built.
    public mutating func addVia(_ via: Via) {
        let isFirst = !fields.contains { $0.key == "via" }
        add("Via", via.serialized)
        if isFirst { changeMemo { $0.topVia = via } }
    }

    /// Appends a name-address header (From, To, Contact, ...); a first From or To is kept
    /// parsed, as the parser would have kept it.
    public mutating func add(_ name: String, _ address: NameAddress) {
        add(name, address, text: address.serialized)
    }

    /// ``add(_:_:)`` with the header's text already at hand: `address` serialized, or the
    /// text it was parsed from with at most a parameter appended. Writing a name-address
    /// costs more than copying its text, and a dialog or a response writes the same few again
    /// and again.
    public mutating func add(_ name: String, _ address: NameAddress, text: String) {
        let key = SIPHeaders.names(name).key
        let isFirst = !fields.contains { $0.key == key }
        add(name, text)
        guard isFirst else { return }
        if key == "from" { changeMemo { $0.from = address } } else if key == "to" { changeMemo { $0.to = address } }
    }

    /// Appends the CSeq header, kept parsed.
    public mutating func add(_ cseq: CSeq) {
        let isFirst = !fields.contains { $0.key == "cseq" }
        add("CSeq", cseq.description)
        if isFirst { changeMemo { $0.cseq = cseq } }
    }

    public init(_ pairs: [(String, String)]) {
        for (name, value) in pairs { add(name, value) }
    }

    public var count: Int { fields.count }

    /// How many fields fit without growing (tests of the kept messages' size).
    var fieldCapacity: Int { fields.capacity }

    /// Room for `count` fields, for a parser that knows how many lines follow.
    public mutating func reserveCapacity(_ count: Int) { fields.reserveCapacity(count) }

    /// How many lines have the lookup key `key` (lower case).
    func count(of key: String) -> Int {
        var count = 0
        for field in fields where field.key == key { count += 1 }
        return count
    }

    /// Appends `other`'s lines with the lookup key `key` (lower case) as they are, as a
    /// response copies the request's Vias: no name lookup and no array per call.
    mutating func appendFields(of key: String, from other: SIPHeaders) {
        for field in other.fields where field.key == key { fields.append(field) }
        forgetMemo(key)
    }

    /// Only the lines whose lookup key (lower case) is in `keys`, in their order; the parsed
    /// From, To, top Via and CSeq come along when their lines do.
    func keeping(_ keys: [String]) -> SIPHeaders {
        var kept = SIPHeaders()
        kept.fields.reserveCapacity(keys.count + 2)
        for field in fields where keys.contains(field.key) { kept.fields.append(field) }
        kept.memoBox = memoBox
        for key in Memo.keys where !keys.contains(key) { kept.forgetMemo(key) }
        return kept
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The same fields without the parsed From, To, top Via and CSeq (about 350 bytes), for a
    /// message kept only to be sent again, for up to 64·T1; the typed accessors still parse
    /// on demand. The fields are moved to an array of their exact size when the message was
    /// built with room to spare (a response reserves room for the lines the core adds: about
    /// 150 bytes of a BYE's 200 kept for timer J).
    public func withoutParsedValues() -> SIPHeaders {
        var headers = self
        headers.memoBox = nil
        if fields.capacity > fields.count {
            var exact: [Field] = []
            exact.reserveCapacity(fields.count)
            exact.append(contentsOf: fields)
            headers.fields = exact
        }
        return headers
    }

    /// Appends a field, expanding a compact name to its full form.
    public mutating func add(_ name: String, _ value: String) {
        let (canonical, key) = SIPHeaders.names(name)
        fields.append(Field(name: canonical, value: value, key: key))
        forgetMemo(key)
    }

    /// Inserts a field before all others of any name (used for a new top Via or Record-Route).
    public mutating func prepend(_ name: String, _ value: String) {
        let (canonical, key) = SIPHeaders.names(name)
        fields.insert(Field(name: canonical, value: value, key: key), at: 0)
        forgetMemo(key)
    }

    /// Replaces every field named `name` with one field, or removes them when `value` is nil.
    public subscript(name: String) -> String? {
        get {
            let key = SIPHeaders.names(name).key
            return fields.first { $0.key == key }?.value
        }
        set {
            let key = SIPHeaders.names(name).key
            forgetMemo(key)
            guard let newValue else {
                fields.removeAll { $0.key == key }
                return
            }
            guard let index = fields.firstIndex(where: { $0.key == key }) else {
                add(name, newValue)
                return
            }
            fields[index].value = newValue
            var keptFirst = false
            fields.removeAll { field in
                guard field.key == key else { return false }
                defer { keptFirst = true }
                return keptFirst
            }
        }
    }

    public mutating func remove(_ name: String) {
        let key = SIPHeaders.names(name).key
        forgetMemo(key)
        fields.removeAll { $0.key == key }
    }

    /// Removes the first list element of `name` (e.g. our own Via on a response), whether it
    /// stands alone on a line or first in a comma-separated line.
    public mutating func removeFirstValue(_ name: String) {
        let key = SIPHeaders.names(name).key
        guard let index = fields.firstIndex(where: { $0.key == key }) else { return }
        forgetMemo(key)
        let elements = HeaderValueScanner.splitList(Substring(fields[index].value))
        if elements.count <= 1 {
            fields.remove(at: index)
        } else {
            fields[index].value = elements.dropFirst().joined(separator: ", ")
        }
    }

    /// Every raw line value for `name`, in order.
    public func lines(_ name: String) -> [String] {
        let key = SIPHeaders.names(name).key
        return fields.filter { $0.key == key }.map(\.value)
    }

    /// Every element of a list header (`Via`, `Contact`, `Route`, ...), with comma-joined lines
    /// split apart. Headers whose values may contain commas (auth, dates) must use `lines`.
    public func values(_ name: String) -> [String] {
        lines(name).flatMap { HeaderValueScanner.splitList(Substring($0)).map(String.init) }
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    static let compactForms: [String: String] = [
        "i": "Call-ID", "m": "Contact", "e": "Content-Encoding", "l": "Content-Length",
        "c": "Content-Type", "f": "From", "s": "Subject", "k": "Supported", "t": "To", "v": "Via",
        "o": "Event", "u": "Allow-Events", "r": "Refer-To", "b": "Referred-By", "x": "Session-Expires",
        "a": "Accept-Contact", "j": "Reject-Contact", "d": "Request-Disposition", "y": "Identity",
    ]

    static let wellKnown: [String: String] = {
        let names = [
            "Via", "From", "To", "Call-ID", "CSeq", "Contact", "Max-Forwards", "Content-Length",
            "Content-Type", "Route", "Record-Route", "Expires", "Min-Expires", "Allow", "Supported",
            "Require", "Unsupported", "User-Agent", "Server", "Authorization", "Proxy-Authorization",
            "WWW-Authenticate", "Proxy-Authenticate", "Authentication-Info", "Event", "Subscription-State",
            "Accept", "Reason", "Date", "Retry-After", "Warning", "Allow-Events", "Session-Expires",
            "Min-SE", "P-Asserted-Identity", "Diversion", "Refer-To", "Referred-By", "Replaces",
        ]
        return Dictionary(uniqueKeysWithValues: names.map { ($0.lowercased(), $0) })
    }()

    /// The canonical spelling and the lookup key of a header name. Every lookup and every
    /// parsed header line comes through here, so the common spellings (`Call-ID`, `call-id`,
    /// `i`) are one dictionary hit instead of two lower-casings and two lookups.
    static func names(_ name: String) -> (canonical: String, key: String) {
        if let common = commonSpellings(name) { return common }
        if let known = knownSpellings[name] { return known }
        let canonical = canonicalName(name)
        return (canonical, canonical.lowercased())
    }

    static let knownSpellings: [String: (canonical: String, key: String)] = {
        var table: [String: (canonical: String, key: String)] = [:]
        for canonical in wellKnown.values {
            table[canonical] = (canonical, canonical.lowercased())
            table[canonical.lowercased()] = (canonical, canonical.lowercased())
        }
        for (compact, canonical) in compactForms {
            table[compact] = (canonical, canonical.lowercased())
            table[compact.uppercased()] = (canonical, canonical.lowercased())
        }
        return table
    }()

    /// The canonical spellings of the headers every call reads and writes many times, found
    /// by length and one comparison of short inline strings instead of hashing the name for
    /// the table (hashing header names was about 2 % of the engine's time under call load).
    /// Agrees with ``knownSpellings``; anything else goes there.
    @inline(__always)
    static func commonSpellings(_ name: String) -> (canonical: String, key: String)? {
        switch name.utf8.count {
        case 2: if name == "To" { return ("To", "to") }
        case 3: if name == "Via" { return ("Via", "via") }
        case 4:
            if name == "From" { return ("From", "from") }
            if name == "CSeq" { return ("CSeq", "cseq") }
        case 5:
            if name == "Route" { return ("Route", "route") }
            if name == "Allow" { return ("Allow", "allow") }
        case 6: if name == "Server" { return ("Server", "server") }
        case 7:
            if name == "Call-ID" { return ("Call-ID", "call-id") }
            if name == "Contact" { return ("Contact", "contact") }
            if name == "Expires" { return ("Expires", "expires") }
        case 9: if name == "Supported" { return ("Supported", "supported") }
        case 10: if name == "User-Agent" { return ("User-Agent", "user-agent") }
        case 12:
            if name == "Content-Type" { return ("Content-Type", "content-type") }
            if name == "Max-Forwards" { return ("Max-Forwards", "max-forwards") }
            if name == "Record-Route" { return ("Record-Route", "record-route") }
        case 14: if name == "Content-Length" { return ("Content-Length", "content-length") }
        default: break
        }
        return nil
    }

    /// Every spelling ``commonSpellings(_:)`` knows, for the test that checks it against the table.
    static let commonSpellingNames = [
        "To", "Via", "From", "CSeq", "Route", "Allow", "Server", "Call-ID", "Contact", "Expires", "Supported",
        "User-Agent", "Content-Type", "Max-Forwards", "Record-Route", "Content-Length",
    ]

    /// `i` → `Call-ID`, `call-id` → `Call-ID`; unknown names keep their spelling.
    static func canonicalName(_ name: String) -> String {
        if name.utf8.count == 1, let full = compactForms[name.lowercased()] { return full }
        return wellKnown[name.lowercased()] ?? name
    }
}
