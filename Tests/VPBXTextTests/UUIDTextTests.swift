import Foundation
import Testing
import VPBXText

/// The one-pass UUID text is exactly Foundation's, lowercased.
@Suite struct UUIDTextTests {
    @Test func matchesFoundationsTextLowercased() {
        for _ in 0..<1000 {
            let id = UUID()
            #expect(id.lowercaseText == id.uuidString.lowercased())
        }
    }

    @Test func writesEveryDigitAndTheDashesInPlace() throws {
        let id = try #require(UUID(uuidString: "00FF10AB-CDEF-0123-4567-89ABCDEF0A0B"))
        #expect(id.lowercaseText == "00ff10ab-cdef-0123-4567-89abcdef0a0b")
        #expect(id.lowercaseText.utf8.count == 36)
    }
}
