import Testing
import VPBXText

@Suite("Zero-padded decimals")
struct ZeroPaddedDecimalTests {
    @Test(
        arguments: [
            (Int64(7), 2, "07"), (0, 3, "000"), (59, 2, "59"), (2026, 4, "2026"), (12345, 4, "12345"), (5, 0, "5"),
        ])
    func padsToTheWidth(value: Int64, width: Int, expected: String) {
        var text = "x"
        text.appendZeroPadded(value, width: width)
        #expect(text == "x" + expected)
    }
}
