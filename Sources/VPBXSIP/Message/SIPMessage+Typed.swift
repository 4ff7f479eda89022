/// Typed views of the headers every SIP element needs. They parse on demand and throw with a
/// message naming the header, so ingress validation can turn them into a `400`.
extension SIPHeaders {
    public var callID: String? { memoizedCallID ?? self[.callID] }

    public func cseq() throws(SIPParseError) -> CSeq {
        if let cseq = memoizedCSeq { return cseq }
        guard let value = self["CSeq"] else { throw .bad("header 'CSeq' is missing") }
        return try CSeq(parsing: value)
    }

    public func from() throws(SIPParseError) -> NameAddress {
        if let from = memoizedFrom { return from }
        guard let value = self["From"] else { throw .bad("header 'From' is missing") }
        return try NameAddress(parsing: value)
    }

    public func to() throws(SIPParseError) -> NameAddress {
        if let to = memoizedTo { return to }
        guard let value = self["To"] else { throw .bad("header 'To' is missing") }
        return try NameAddress(parsing: value)
    }

    /// The From tag, without copying the address out as `try from().tag` does (the core reads
    /// tags of every request; the copy was most of the reference counting on messages).
    public func fromTag() throws(SIPParseError) -> String? {
        if let tag = memoizedFromTag { return tag }
        return try from().tag
    }

    /// The To tag, as ``fromTag()``; nil for a request outside a dialog.
    public func toTag() throws(SIPParseError) -> String? {
        if let tag = memoizedToTag { return tag }
        return try to().tag
    }

    /// Every Via entry, topmost first.
    public func vias() throws(SIPParseError) -> [Via] {
        var result: [Via] = []
        for value in values("Via") { result.append(try Via(parsing: value)) }
        return result
    }

    public func topVia() throws(SIPParseError) -> Via {
        if let via = memoizedTopVia { return via }
        guard let first = firstValue("Via") else { throw .bad("header 'Via' is missing") }
        return try Via(parsing: first)
    }

    /// Contact entries; `*` (unregister all) is returned as `nil` in `isWildcard`.
    public func contacts() throws(SIPParseError) -> (addresses: [NameAddress], isWildcard: Bool) {
        let values = values("Contact")
        if values.contains("*") {
            // RFC 3261 §10.3 step 6: "*" stands alone; with other contacts the request is
            // invalid (it was read as "remove every binding").
            guard values.count == 1 else { throw .bad("a '*' Contact must be the only Contact") }
            return ([], true)
        }
        var result: [NameAddress] = []
        for value in values { result.append(try NameAddress(parsing: value)) }
        return (result, false)
    }

    public func routeSet(_ name: String = "Route") throws(SIPParseError) -> [NameAddress] {
        var result: [NameAddress] = []
        for value in values(name) { result.append(try NameAddress(parsing: value)) }
        return result
    }

    public var maxForwards: Int? { self["Max-Forwards"].flatMap { Int($0.trimmingSpaces) } }

    /// The Expires header as delta-seconds; nil when there is none or it is not digits (see
    /// ``deltaSeconds(_:)``: tell the two apart with `self["Expires"]`).
    public var expires: Int? { self["Expires"].flatMap(Self.deltaSeconds) }

    /// RFC 3261 delta-seconds (§20.19, and the `expires` Contact parameter): digits only, as
    /// `Int`, read as 2^32-1 when larger (§10.2.1.1); nil for anything else, a sign included.
    public static func deltaSeconds(_ text: String) -> Int? {
        let digits = HeaderValueScanner.trimmed(Substring(text))
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Swift.min(Int(digits) ?? Int.max, Int(UInt32.max))  // nil from Int only on overflow
    }

    public var contentType: String? { self["Content-Type"] }
}

extension String {
    var trimmingSpaces: String { String(HeaderValueScanner.trimmed(Substring(self))) }
}
