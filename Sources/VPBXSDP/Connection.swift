import VPBXText

/// A `c=` line: where media is to be sent.
public struct Connection: Sendable, Equatable {
    public var netType: String
    public var addrType: String
    /// The address, including any `/ttl/count` multicast suffix, as written.
    public var address: String

    public init(netType: String = "IN", addrType: String, address: String) {
        self.netType = netType
        self.addrType = addrType
        self.address = address
    }

    /// A connection for `address`, choosing `IP6` when it contains a colon and `IP4` otherwise.
    public init(address: String) {
        // By byte: `contains(":")` with a string resolves to Foundation's substring search
        // (CFStringFind through an NSString bridge), about 1 % of the engine's CPU under call
        // load, since every call anchors two SDP bodies.
        self.init(addrType: address.utf8.contains(UInt8(ascii: ":")) ? "IP6" : "IP4", address: address)
    }

    /// True for the RFC 2543 hold address (`0.0.0.0`, or `::` for IPv6): the peer does not
    /// want to receive media. RFC 3264 §8.4 still asks us to understand it.
    public var isUnspecifiedAddress: Bool {
        address == "0.0.0.0" || address == "::"
    }

    init(parsing text: ByteText, _ value: Range<Int>, line: Int) throws(SDPError) {
        let parts = text.split(value, at: UInt8(ascii: " "))
        guard parts.count == 3 else {
            throw SDPError(
                .invalidValue, line: line,
                "'c=' must have 3 fields '<nettype> <addrtype> <address>', got '\(text.string(value))'")
        }
        self.init(netType: text.string(parts[0]), addrType: text.string(parts[1]), address: text.string(parts[2]))
    }

    var serialized: String { "\(netType) \(addrType) \(address)" }
}
