import Testing

@testable import VPBXSIP

@Suite struct IPv4TextTests {
    @Test(arguments: [
        ("0.0.0.0", 0), ("127.0.0.1", 0x7F00_0001), ("192.0.2.10", 0xC000_020A), ("255.255.255.255", 0xFFFF_FFFF),
        ("10.20.30.40", 0x0A14_1E28), ("1.2.3.4", 0x0102_0304),
    ] as [(String, UInt32)])
    func textAndNumberRoundTrip(text: String, value: UInt32) {
        #expect(IPv4Text.value(of: text) == value)
        #expect(IPv4Text.text(of: value) == text)
    }

    @Test func everyOctetValueIsWrittenInDecimal() {
        for octet in UInt32(0)...255 {
            let value = octet << 24 | octet << 16 | octet << 8 | octet
            #expect(IPv4Text.text(of: value) == "\(octet).\(octet).\(octet).\(octet)")
        }
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "01234.1.1.1", "1..2.3", "a.b.c.d", "::1", "1.2.3.4 ", "pbx.example"])
    func otherTextIsNotIPv4(text: String) {
        #expect(IPv4Text.value(of: text) == nil)
    }
}
