/// The 16 DTMF keys and their RFC 4733 §3.2 event codes.
public enum DTMFDigit: Character, Sendable, CaseIterable {
    case zero = "0"
    case one = "1"
    case two = "2"
    case three = "3"
    case four = "4"
    case five = "5"
    case six = "6"
    case seven = "7"
    case eight = "8"
    case nine = "9"
    case star = "*"
    case pound = "#"
    case a = "A"
    case b = "B"
    case c = "C"
    case d = "D"

    /// The key for `character`, accepting lower-case `a`-`d`.
    public init?(character: Character) {
        guard let digit = DTMFDigit(rawValue: Character(character.uppercased())) else { return nil }
        self = digit
    }

    /// The key for an event code 0...15; nil for flash (16) and the non-DTMF tones.
    public init?(event: UInt8) {
        // allCases is declared in event-code order.
        guard event < 16 else { return nil }
        self = Self.allCases[Int(event)]
    }

    /// The RFC 4733 event code (0-9, `*` 10, `#` 11, A-D 12-15).
    public var event: UInt8 {
        switch self {
        case .zero: 0
        case .one: 1
        case .two: 2
        case .three: 3
        case .four: 4
        case .five: 5
        case .six: 6
        case .seven: 7
        case .eight: 8
        case .nine: 9
        case .star: 10
        case .pound: 11
        case .a: 12
        case .b: 13
        case .c: 14
        case .d: 15
        }
    }

    /// Hook flash, event 16; not a DTMF key but carried the same way.
    public static let flashEvent: UInt8 = 16
}
