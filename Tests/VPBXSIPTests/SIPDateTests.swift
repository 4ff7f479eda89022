import Foundation
import Testing
import VPBXSIP

/// The `Date` header's text against fixed values and against Foundation's `DateFormatter`
/// (the formatter the registrar used before, as the oracle) over two centuries.
@Suite("SIP Date header text")
struct SIPDateTests {
    @Test(
        "known instants",
        arguments: [
            (Int64(0), "Thu, 01 Jan 1970 00:00:00 GMT"),
            (1_289_690_940, "Sat, 13 Nov 2010 23:29:00 GMT"),  // RFC 3261's example
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),  // a leap day of a 400-year leap year
            (4_107_542_399, "Sun, 28 Feb 2100 23:59:59 GMT"),  // 2100 is no leap year...
            (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 GMT"),  // ...so 1 March follows
            (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
            (1_796_342_400, "Fri, 04 Dec 2026 00:00:00 GMT"),
        ])
    func knownInstants(seconds: Int64, expected: String) {
        #expect(SIPDate.text(secondsSince1970: seconds) == expected)
    }

    @Test("the same text as DateFormatter's RFC 1123 form, 1970 to 2170")
    func agreesWithDateFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var generator = SystemRandomNumberGenerator()
        var seconds: Int64 = 0
        var mismatches: [String] = []
        // Steps of up to ~3 days land on every weekday, month and year boundary region.
        while seconds < 6_311_433_600 {
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            let text = SIPDate.text(secondsSince1970: seconds)
            if text != expected { mismatches.append("\(seconds): \(text) vs \(expected)") }
            seconds += Int64.random(in: 1...250_000, using: &generator)
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}
