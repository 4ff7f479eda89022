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

    /// The common shape, `<digits> <LETTERS>` in ASCII with blanks around, read by byte; nil
    /// for anything else (or a number too large), which the general parser then judges.
    static func plainASCII(_ text: some StringProtocol) -> CSeq? {
        let bytes = text.utf8
        var index = bytes.startIndex
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        while index < bytes.endIndex, isBlank(bytes[index]) { bytes.formIndex(after: &index) }
        var number: UInt32 = 0
        var digits = 0
        while index < bytes.endIndex, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            let (times10, overflow1) = number.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt32(bytes[index] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            number = sum
            digits += 1
            bytes.formIndex(after: &index)
        }
        guard digits > 0, index < bytes.endIndex, isBlank(bytes[index]) else { return nil }
        while index < bytes.endIndex, isBlank(bytes[index]) { bytes.formIndex(after: &index) }
        let methodStart = index
        while index < bytes.endIndex, (bytes[index] | 0x20) >= UInt8(ascii: "a"), (bytes[index] | 0x20) <= UInt8(ascii: "z") {
            bytes.formIndex(after: &index)
        }
        let methodEnd = index
        guard methodEnd > methodStart else { return nil }
        while index < bytes.endIndex, isBlank(bytes[index]) { bytes.formIndex(after: &index) }
        guard index == bytes.endIndex else { return nil }
        return CSeq(number, SIPMethod(String(decoding: bytes[methodStart..<methodEnd], as: UTF8.self)))
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
