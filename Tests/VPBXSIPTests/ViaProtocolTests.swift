import Testing

@testable import VPBXSIP

/// `SIP/2.0/<transport>` is read in place when spelled the common way and split otherwise
/// (the transport is kept upper-cased either way):
/// both must accept and refuse the same Via values.
@Suite struct ViaProtocolTests {
    @Test(arguments: [
        ("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1", "UDP"),
        ("SIP/2.0/TCP h;branch=z9hG4bK1", "TCP"),
        ("SIP/2.0/TLS h", "TLS"),
        ("sip/2.0/udp h", "UDP"),
        ("Sip/2.0/WSS h", "WSS"),
        ("SIP/2.0//UDP h", "UDP"),
        ("SIP//2.0/UDP h", "UDP"),
    ])
    func accepted(text: String, transport: String) throws {
        #expect(try Via(parsing: text).transport == transport)
        #expect(try Via(parsing: text).host == (text.contains("10.0.0.1") ? "10.0.0.1" : "h"))
    }

    @Test(arguments: ["SIP/2.0/ h", "SIP/2.0 h", "SIP/3.0/UDP h", "SIP/2.0/UDP/X h", "SIPS/2.0/UDP h", "SIP/2.0/UDP", "/2.0/UDP h"])
    func refused(text: String) {
        #expect(throws: SIPParseError.self) { try Via(parsing: text) }
    }
}
