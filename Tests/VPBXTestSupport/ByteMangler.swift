/// Mangles protocol text the way broken or hostile peers do: bytes replaced or inserted from
/// `alphabet` (the characters the protocol is written with, so the results are near-misses
/// that still parse, not only garbage), runs of bytes dropped, and whole lines repeated
/// (duplicate headers, attributes, m-lines).
public struct ByteMangler: Sendable {
    public let alphabet: [UInt8]
    /// How many changes one call makes.
    public let changes: ClosedRange<Int>

    public init(alphabet: String, changes: ClosedRange<Int>) {
        self.alphabet = Array(alphabet.utf8)
        self.changes = changes
    }

    public func mangle(_ input: [UInt8], using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: changes, using: &generator) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: bytes[at] = alphabet.randomElement(using: &generator)!
            case 1: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...6, using: &generator)))
            case 2: bytes.insert(alphabet.randomElement(using: &generator)!, at: at)
            default:
                let start = bytes[..<at].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
                let end = bytes[at...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.count
                bytes.insert(contentsOf: bytes[start..<end], at: end)
            }
        }
        return bytes
    }

    public func mangle(_ text: String, using generator: inout some RandomNumberGenerator) -> String {
        String(decoding: mangle(Array(text.utf8), using: &generator), as: UTF8.self)
    }
}
