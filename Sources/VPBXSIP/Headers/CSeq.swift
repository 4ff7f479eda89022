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
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        // RFC 3261 limits the number to 2^31; we accept the full 32 bits but nothing longer.
        guard parts.count == 2, let number = UInt32(parts[0]), parts[1].allSatisfy({ $0.isLetter }) else {
            throw .bad("header 'CSeq' is malformed: expected '<number> <METHOD>', got '\(text)'")
        }
        self.init(number, SIPMethod(String(parts[1])))
    }
}
