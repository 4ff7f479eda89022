import Testing

@testable import VPBXSIP

/// CSeq's byte-level fast path says exactly what the general parser says.
@Suite struct CSeqParsingTests {
    @Test(arguments: [
        "1 INVITE", "4711 BYE", "  7\tACK  ", "0 REGISTER", "4294967295 OPTIONS", "007 INFO", "12 refer",
        "4294967296 INVITE", "99999999999999999999 INVITE", "+5 INVITE", "-1 BYE", "5", "INVITE", "5 INV1TE",
        "5 INVITE extra", "", " ", "5  ", "5 INVÍTE", "５ INVITE", "5 méthode", "1\u{00A0}INVITE",
    ])
    func fastPathAgreesWithTheGeneralParser(text: String) {
        let general = try? CSeq.bySplitting(text)
        let parsed = try? CSeq(parsing: text)
        #expect(parsed == general, "\(text)")
        if let fast = CSeq.plainASCII(text) { #expect(fast == general, "\(text)") }
    }

    @Test func theCommonShapeTakesTheFastPath() {
        #expect(CSeq.plainASCII("4711 INVITE") == CSeq(4711, .invite))
        #expect(CSeq.plainASCII(" 2 BYE ") == CSeq(2, .bye))
        #expect(CSeq.plainASCII("4294967296 INVITE") == nil)
    }
}
