import VPBXText

/// `CSeq: 4711 INVITE`: orders requests within a dialog and names the method a response is for.
public struct CSeq: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var number: UInt32
    public var method: SIPMethod

    public init(_ number: UInt32, _ method: SIPMethod) {
        self.number = number
        self.method = method
    }

    public var description: String { "\(number) \(method.name)" }

    public init(parsing text: some StringProtocol) throws(SIPParseError) {
        if let plain = Self.plainASCII(text) {
            self = plain
            return
        }
        self = try Self.bySplitting(text)
    }

    /// The common shape, `<digits> <LETTERS>` in ASCII with blanks around, read by offset
    /// (``ByteText``); nil for anything else (or a number too large), which the general
    /// parser then judges.
    static func plainASCII(_ text: some StringProtocol) -> CSeq? {
        ByteText.with(Substring(text)) { plainASCII($0) }
    }

    private static func plainASCII(_ bytes: ByteText) -> CSeq? {
        var index = 0
        let end = bytes.bytes.count
        while index < end, ByteText.isBlank(bytes[index]) { index += 1 }
        var number: UInt32 = 0
        var digits = 0
        while index < end, ASCII.isDigit(bytes[index]) {
            let (times10, overflow1) = number.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt32(bytes[index] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            number = sum
            digits += 1
            index += 1
        }
        guard digits > 0, index < end, ByteText.isBlank(bytes[index]) else { return nil }
        while index < end, ByteText.isBlank(bytes[index]) { index += 1 }
        let methodStart = index
        while index < end, ASCII.isLetter(bytes[index]) { index += 1 }
        let methodEnd = index
        guard methodEnd > methodStart else { return nil }
        while index < end, ByteText.isBlank(bytes[index]) { index += 1 }
        guard index == end else { return nil }
        return CSeq(number, SIPMethod(bytes.string(methodStart..<methodEnd)))
    }

    static func bySplitting(_ text: some StringProtocol) throws(SIPParseError) -> CSeq {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        // RFC 3261 limits the number to 2^31; we accept the full 32 bits but nothing longer.
        guard parts.count == 2, let number = UInt32(parts[0]), parts[1].allSatisfy({ $0.isLetter }) else {
            throw .bad("header 'CSeq' is malformed: expected '<number> <METHOD>', got '\(text)'")
        }
        return CSeq(number, SIPMethod(String(parts[1])))
    }
}
