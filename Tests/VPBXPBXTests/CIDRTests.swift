import Testing

@testable import VPBXPBX

/// The trusted-source networks (`--trusted`): parsing and membership.
@Suite("CIDR")
struct CIDRTests {
    @Test func ipv4MembershipFollowsThePrefix() throws {
        let loopback = try CIDR(parsing: "127.0.0.0/8")
        #expect(loopback.contains("127.0.0.1"))
        #expect(loopback.contains("127.255.3.9"))
        #expect(!loopback.contains("128.0.0.1"))
        let office = try CIDR(parsing: "192.168.10.0/23")
        #expect(office.contains("192.168.11.200"))
        #expect(!office.contains("192.168.12.1"))
        let host = try CIDR(parsing: "10.1.2.3")
        #expect(host.contains("10.1.2.3"))
        #expect(!host.contains("10.1.2.4"))
        let everything = try CIDR(parsing: "0.0.0.0/0")
        #expect(everything.contains("203.0.113.7"))
        #expect(!everything.contains("::1"))
    }

    @Test func hostsThatAreNotAddressesAreNeverInside() throws {
        let any = try CIDR(parsing: "0.0.0.0/0")
        for text in ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.", ".1.2.3", "1234.1.1.1", "a.b.c.d", "1.2.3.4 "] {
            #expect(!any.contains(text), "\(text)")
            #expect(CIDR.ipv4Value(text) == nil, "\(text)")
        }
    }

    @Test func theIPv4FastPathAgreesWithTheBytes() throws {
        // Random dotted quads: the allocation-free value equals the byte form.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let value = UInt32.random(in: .min ... .max, using: &generator)
            let text = [24, 16, 8, 0].map { String(value >> UInt32($0) & 0xFF) }.joined(separator: ".")
            #expect(CIDR.ipv4Value(text) == value)
            #expect(CIDR.bytes(of: text) == [24, 16, 8, 0].map { UInt8(value >> UInt32($0) & 0xFF) })
        }
    }

    @Test func ipv6MembershipAndMismatchedFamilies() throws {
        let documentation = try CIDR(parsing: "2001:db8::/32")
        #expect(documentation.contains("2001:db8:1::5"))
        #expect(!documentation.contains("2001:db9::1"))
        #expect(!documentation.contains("192.0.2.1"))
        #expect(!(try CIDR(parsing: "192.0.2.0/24")).contains("::ffff:1"))
    }

    @Test func badNetworksAreRefusedWithTheReason() {
        #expect(throws: CIDRError.self) { try CIDR(parsing: "10.0.0.0/33") }
        #expect(throws: CIDRError.self) { try CIDR(parsing: "10.0.0/8") }
        #expect(throws: CIDRError.self) { try CIDR(parsing: "10.0.0.0/8/1") }
    }
}
