/// One side of a relay session: the B2BUA tells leg A to send to the A-side port and leg B to
/// the B-side port. Packets received on one side leave through the other.
public enum RelaySide: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case a
    case b

    /// The side packets received here are forwarded to.
    public var opposite: RelaySide {
        switch self {
        case .a: .b
        case .b: .a
        }
    }

    public var description: String {
        switch self {
        case .a: "A"
        case .b: "B"
        }
    }
}
