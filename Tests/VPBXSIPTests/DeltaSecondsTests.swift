import Testing
import VPBXSIP

/// Expires values (RFC 3261 §20.19, §10.2.1.1): digits only; what is not digits is nil, so a
/// registrar or notifier can refuse it instead of reading a negative lifetime.
@Suite("Expires as delta-seconds")
struct DeltaSecondsTests {
    @Test(arguments: [("3600", 3600), (" 60 ", 60), ("0", 0), ("000120", 120), ("4294967296", 4_294_967_295),
        ("99999999999999999999999", 4_294_967_295)])
    func digitsAreRead(text: String, seconds: Int) {
        #expect(SIPHeaders.deltaSeconds(text) == seconds)
    }

    @Test(arguments: ["", " ", "-60", "+60", "60s", "soon", "6 0", "0x10", "１２"])
    func anythingElseIsNil(text: String) {
        #expect(SIPHeaders.deltaSeconds(text) == nil)
    }

    @Test func theExpiresHeaderReadsTheSameWay() {
        #expect(SIPHeaders([("Expires", "600")]).expires == 600)
        #expect(SIPHeaders([("Expires", "-1")]).expires == nil)
        #expect(SIPHeaders([]).expires == nil)
    }
}
