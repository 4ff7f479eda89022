import VPBXSIP

/// Fresh tags, branches and Call-IDs. Random enough to be globally unique (RFC 3261 §19.3 asks
/// for at least 32 bits of randomness for tags; we use 64 or more).
public enum SIPIdentifiers {
    public static func tag() -> String { hex(UInt64.random(in: .min ... .max)) }

    public static func branch() -> String {
        Via.branchCookie + "-" + hex(UInt64.random(in: .min ... .max)) + hex(UInt32.random(in: .min ... .max))
    }

    public static func callID(host: String) -> String {
        hex(UInt64.random(in: .min ... .max)) + hex(UInt64.random(in: .min ... .max)) + "@" + host
    }

    private static func hex(_ value: some FixedWidthInteger) -> String { String(value, radix: 16) }
}
