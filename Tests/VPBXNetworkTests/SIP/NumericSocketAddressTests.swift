import NIOCore
import Testing

@testable import VPBXNetwork

/// The IPv4 fast path builds the same addresses NIO's general initializer builds, and a port
/// that does not fit is an error, not a trap.
@Suite struct NumericSocketAddressTests {
    @Test(arguments: [("127.0.0.1", 5060), ("192.0.2.33", 0), ("10.0.0.254", 65_535), ("::1", 5062), ("2001:db8::7", 10_000)])
    func agreesWithNIO(host: String, port: Int) throws {
        let fast = try SocketAddress.numeric(host: host, port: port)
        let general = try SocketAddress(ipAddress: host, port: port)
        #expect(fast == general)
        #expect(fast.port == port)
        #expect(fast.ipAddress == general.ipAddress)
        #expect(fast.numericHost == general.ipAddress)
    }

    @Test func receivedAddressesGiveTheirTextWithoutNIOsFormatter() throws {
        let address = try SocketAddress(ipAddress: "203.0.113.250", port: 1)
        #expect(address.numericHost == "203.0.113.250")
    }

    @Test(arguments: [65_536, -1, 70_000])
    func aPortOutsideSixteenBitsIsAnError(port: Int) {
        #expect(throws: PortOutOfRange.self) { try SocketAddress.numeric(host: "127.0.0.1", port: port) }
        #expect(throws: PortOutOfRange.self) { try SocketAddress.numeric(host: "::1", port: port) }
    }

    @Test func textThatIsNoAddressIsRefused() {
        #expect(throws: (any Error).self) { try SocketAddress.numeric(host: "pbx.example", port: 5060) }
        #expect(throws: (any Error).self) { try SocketAddress.numeric(host: "1.2.3", port: 5060) }
    }
}

/// Sockets bind on numeric addresses without the resolver, and still on a name.
@Suite struct UDPSocketBindingAddressTests {
    @Test(arguments: [("127.0.0.1", 10_000), ("::1", 10_002), ("0.0.0.0", 0)])
    func numericHostsAreParsedInPlace(host: String, port: Int) throws {
        let address = try UDPSocketBinding.address(host: host, port: port)
        #expect(address == (try SocketAddress(ipAddress: host, port: port)))
    }

    @Test func aNameStillGoesToTheResolver() throws {
        let address = try UDPSocketBinding.address(host: "localhost", port: 5060)
        #expect(address.port == 5060)
        #expect(address.ipAddress == "127.0.0.1" || address.ipAddress == "::1")
    }

    @Test func aPortOutsideSixteenBitsIsStillAnError() {
        #expect(throws: PortOutOfRange.self) { try UDPSocketBinding.address(host: "127.0.0.1", port: 70_000) }
        #expect(throws: PortOutOfRange.self) { try UDPSocketBinding.address(host: "localhost", port: -1) }
    }
}
