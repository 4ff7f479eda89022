/// Dotted-quad IPv4 text to a number and back, without arrays, C calls or intermediate
/// strings. Every SIP message crosses between the socket's binary address and the text the SIP
/// layers use (Via `received`, peer addresses, trusted networks), and the general conversions
/// (`inet_pton`/`inet_ntop` through NIO) cost several allocations each time.
/// Whether a URI's host is an IP address rather than a name: an IPv4 dotted quad, or IPv6
/// (which alone has colons in a host). Names are resolved (and trunks' looked up by SRV);
/// addresses are used as they are.
public func isIPAddressText(_ host: String) -> Bool {
    IPv4Text.value(of: host) != nil || host.utf8.contains(UInt8(ascii: ":"))
}

public enum IPv4Text {
    /// The address as one number (first octet highest), or nil for anything that is not exactly
    /// four dot-separated decimal octets (IPv6 and host names included).
    public static func value(of text: String) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard digits <= 3, octet <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | octet
    }

    /// `a.b.c.d` for the address `value` (first octet highest). At most 15 characters, so
    /// Swift keeps it inline with no allocation; the digits are written into the string's own
    /// storage in one pass (appending character by character showed on the receive path).
    public static func text(of value: UInt32) -> String {
        String(unsafeUninitializedCapacity: 15) { buffer in
            var count = 0
            for shift in stride(from: 24, through: 0, by: -8) {
                let octet = UInt8(truncatingIfNeeded: value >> UInt32(shift))
                if shift != 24 {
                    buffer[count] = UInt8(ascii: ".")
                    count += 1
                }
                if octet >= 100 {
                    buffer[count] = UInt8(ascii: "0") + octet / 100
                    count += 1
                }
                if octet >= 10 {
                    buffer[count] = UInt8(ascii: "0") + octet / 10 % 10
                    count += 1
                }
                buffer[count] = UInt8(ascii: "0") + octet % 10
                count += 1
            }
            return count
        }
    }
}
