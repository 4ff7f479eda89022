import VPBXText

/// The parsed values of the headers most read. The parser memoizes From, To, the top Via,
/// CSeq and Call-ID of every message it reads (``SIPHeaders/memoizeCommonHeaders(includingFrom:)``):
/// ingress validation, the transaction layer and the dialog layer each read them, and parsing
/// them once instead of three or four times is measurable at thousands of messages per
/// second. Any change to one of those headers forgets its value.
extension SIPHeaders {
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
        /// Call-ID as a `String`: read some eight times a call (transactions, dialogs, the
        /// core's tables), and decoding it from the storage each time allocates.
        var callID: String?

        mutating func forget(_ name: SIPHeaderName) {
            switch name {
            case .from: from = nil
            case .to: to = nil
            case .via: topVia = nil
            case .cseq: cseq = nil
            case .callID: callID = nil
            default: break
            }
        }
    }

    /// The memo's storage, shared between copies of the headers until one of them changes a
    /// memoized header: messages are copied often (into the core's queue, transactions,
    /// calls), and a copy of the parsed values themselves cost a reference count per string in
    /// them, about twenty. Mutated only through ``changeMemo(_:)``, which copies it first when
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

    /// Forgets the parsed value of `name` when it is one.
    mutating func forgetMemo(_ name: SIPHeaderName) {
        guard memoBox != nil, name.isMemoized else { return }
        changeMemo { $0.forget(name) }
    }

    /// Parses From, To, the top Via and CSeq once, decodes Call-ID, and keeps them for the
    /// typed accessors. A header that is missing or malformed is not kept, so its accessor
    /// still throws.
    ///
    /// - Parameter includingFrom: false for a response: nothing on the response path reads its
    ///   From (the dialog takes it from our request), and ``from()`` still parses on demand.
    public mutating func memoizeCommonHeaders(includingFrom: Bool = true) {
        // Filled in the box: a memo built aside was copied into it (a reference count per
        // string in four parsed headers) and then destroyed.
        let box = MemoBox(Memo())
        if includingFrom { box.memo.from = address(.from) }
        box.memo.to = address(.to)
        box.memo.topVia = plainTopVia() ?? firstValue("Via").flatMap { try? Via(parsing: $0) }
        box.memo.cseq = self[.cseq].flatMap { try? CSeq(parsing: $0) }
        box.memo.callID = self[.callID]
        memoBox = box
    }

    /// The first `name` line as a name-address: by offset in the storage when it has the
    /// common shape, else through the general parser; nil when missing or malformed.
    private func address(_ name: SIPHeaderName) -> NameAddress? {
        guard let index = firstIndex(of: name) else { return nil }
        if let plain = withValueBytes(at: index, { NameAddress(plain: $0, $1) }) { return plain }
        return try? NameAddress(parsing: value(at: index))
    }

    /// The top Via when its element has the common shape, read by offset (``ByteText``);
    /// nil leaves it to ``firstValue(_:)`` and the general parser.
    private func plainTopVia() -> Via? {
        for index in 0..<count where matches(index, .via) {
            let found: Via?? = withValueBytes(at: index) { bytes, range in
                guard let first = bytes.firstListElement(of: range) else { return .some(nil) }  // an empty line
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

    /// Which box holds the memo (tests: a change in place keeps it).
    var memoBoxIdentity: ObjectIdentifier? { memoBox.map(ObjectIdentifier.init) }

    /// All of the memo (tests); the core reads one value at a time below.
    var memoized: Memo { memoBox?.memo ?? Memo() }

    // One field each, read through the box: only that value is copied out.
    var memoizedFrom: NameAddress? { memoBox?.memo.from }
    var memoizedTo: NameAddress? { memoBox?.memo.to }
    var memoizedTopVia: Via? { memoBox?.memo.topVia }
    var memoizedCSeq: CSeq? { memoBox?.memo.cseq }
    var memoizedCallID: String? { memoBox?.memo.callID }

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
        let isFirst = firstIndex(of: .via) == nil
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
        let resolved = SIPHeaderName.named(name)
        let isFirst = firstIndex(of: resolved) == nil
        add(name, text)
        if isFirst { memoize(address, as: resolved) }
    }

    /// Keeps `value`, just added as the first Call-ID, as its `String`.
    mutating func memoizeCallID(_ value: String) { changeMemo { $0.callID = value } }

    /// Keeps `address` as the parsed From or To.
    mutating func memoize(_ address: NameAddress, as name: SIPHeaderName) {
        if name == .from { changeMemo { $0.from = address } } else if name == .to { changeMemo { $0.to = address } }
    }

    /// Appends the CSeq header, kept parsed.
    public mutating func add(_ cseq: CSeq) {
        let isFirst = firstIndex(of: .cseq) == nil
        add("CSeq", cseq.description)
        if isFirst { changeMemo { $0.cseq = cseq } }
    }
}

extension SIPHeaderName {
    /// The names whose parsed values ``SIPHeaders`` memoizes.
    static let memoized: [SIPHeaderName] = [.via, .from, .to, .callID, .cseq]

    /// One of ``memoized``: they are numbers 1 to 5, so a range check instead of a search
    /// (every change to a message asks).
    var isMemoized: Bool { id >= 1 && id <= 5 }
}
