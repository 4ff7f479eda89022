import Testing

@testable import VPBXSIP

/// RFC 3261 §19.1.4's own examples of URIs that are and are not equivalent, and what a
/// registrar meets: a phone that re-registers with its parameters in another order.
@Suite struct URIEquivalenceTests {
    static let equivalent: [(String, String)] = [
        ("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"),
        ("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"),
        ("sip:carol@chicago.com", "sip:carol@chicago.com;security=on"),
        ("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"),
        (
            "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
            "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"
        ),
        ("sip:alice@atlanta.com?subject=project%20x&priority=urgent", "sip:alice@atlanta.com?priority=urgent&subject=project%20x"),
        ("sip:1001@192.0.2.10:5062;transport=udp;line=abc", "sip:1001@192.0.2.10:5062;line=abc;transport=UDP"),
    ]

    static let different: [(String, String)] = [
        ("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"),
        ("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"),
        ("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"),
        ("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"),
        ("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"),
        ("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"),
        ("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"),
        ("sip:bob@biloxi.com;maddr=239.255.255.1", "sip:bob@biloxi.com"),
        ("sip:1001@192.0.2.10", "sips:1001@192.0.2.10"),
        ("sip:1001@192.0.2.10;line=abc", "sip:1001@192.0.2.10;line"),
    ]

    @Test(arguments: equivalent)
    func equivalentURIs(one: String, other: String) throws {
        let (a, b) = (try SIPURI(parsing: one), try SIPURI(parsing: other))
        #expect(a.isEquivalent(to: b))
        #expect(b.isEquivalent(to: a))
    }

    @Test(arguments: different)
    func differentURIs(one: String, other: String) throws {
        let (a, b) = (try SIPURI(parsing: one), try SIPURI(parsing: other))
        #expect(!a.isEquivalent(to: b))
        #expect(!b.isEquivalent(to: a))
    }
}
