import Testing

@testable import VPBXText

@Suite struct HungarianNumberTests {
    @Test(arguments: [
        ("06 30 123 4567", "+36301234567"),
        ("06-1-234-5678", "+3612345678"),
        ("06 (1) 234 5678", "+3612345678"),
        ("+36 20 123 4567", "+36201234567"),
        ("0036 70 123 4567", "+36701234567"),
        ("06 31 123 4567", "+36311234567"),
        ("06 50 123 4567", "+36501234567"),
        ("06 96 123 456", "+3696123456"),
        ("06/22/123-456", "+3622123456"),
        ("+36 1 234 5678", "+3612345678"),
        ("+49 30 1234567", "+49301234567"),
    ])
    func normalizes(input: String, expected: String) {
        #expect(HungarianNumber.normalize(input) == expected)
    }

    @Test(arguments: [
        "06 30 123 456",  // mobile one digit short
        "06 30 123 45678",  // mobile one digit long
        "06 1 234 567",  // Budapest short
        "06 1 234 56789",  // Budapest long
        "06 96 123 4567",  // other area: 6 digits only
        "06 96 12 345",
        "06 0 123 4567",
        "301234567",  // no 06 / +36: area unknown
        "06 30 abc 4567",
        "",
        "+36",
        "+1 23",
    ])
    func rejects(input: String) {
        #expect(HungarianNumber.normalize(input) == nil)
    }
}
