import Testing
import VPBXText

/// Outbound route prefixes typed the Hungarian way become the E.164 beginnings calls are
/// matched against.
@Suite("NumberPrefix")
struct NumberPrefixTests {
    @Test(arguments: [
        ("06 30", "+3630"), ("06-20", "+3620"), ("06", "+36"), ("+36 1", "+361"), ("0049", "+49"),
        ("00 43 1", "+431"), ("+", "+"), ("(06 90)", "+3690"), ("112", "112"), ("10", "10"), ("1", "1"),
    ])
    func typedPrefixesBecomeE164(typed: String, stored: String) {
        #expect(NumberPrefix.normalize(typed) == .success(stored))
    }

    @Test(arguments: [
        ("00", NumberPrefix.Problem.internationalAlone), ("3630", .noDiallingPrefix), ("", .noDiallingPrefix),
        ("113", .noDiallingPrefix), ("06 3O", .notDigits), ("+49+", .notDigits), ("+1234567890123456", .notDigits),
    ])
    func otherInputIsRefusedWithItsReason(typed: String, problem: NumberPrefix.Problem) {
        #expect(NumberPrefix.normalize(typed) == .failure(problem))
    }
}
