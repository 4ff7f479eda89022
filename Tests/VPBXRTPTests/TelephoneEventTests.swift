import Testing

@testable import VPBXRTP

@Suite("RFC 4733 telephone-event")
struct TelephoneEventTests {
    @Test func parsesEndOfDigitFive() throws {
        // Event 5, E=1, R=1 (ignored), volume 10, duration 1600 (200 ms at 8 kHz).
        let event = try #require(TelephoneEvent(bytes: [0x05, 0xCA, 0x06, 0x40]))
        #expect(event == TelephoneEvent(event: 5, isEnd: true, volume: 10, duration: 1600))
        #expect(event.digit == .five)
    }

    @Test func serializes() {
        let event = TelephoneEvent(digit: .pound, isEnd: false, volume: 7, duration: 0x0140)
        #expect(event.bytes == [11, 0x07, 0x01, 0x40])
        #expect(TelephoneEvent(bytes: event.bytes) == event)
        let loud = TelephoneEvent(event: 1, isEnd: true, volume: 200, duration: 0xFFFF)
        #expect(loud.bytes == [1, 0x80 | 63, 0xFF, 0xFF])
    }

    @Test func shortPayloadIsRejectedAndExtraBytesIgnored() {
        #expect(TelephoneEvent(bytes: [1, 2, 3]) == nil)
        #expect(TelephoneEvent(bytes: []) == nil)
        #expect(TelephoneEvent(bytes: [1, 0, 0, 160, 2, 0, 0, 160])?.event == 1)
        var small = [UInt8](repeating: 0, count: 3)
        let written = small.withUnsafeMutableBytes { TelephoneEvent(event: 1, duration: 1).write(into: $0) }
        #expect(written == 0)
    }

    @Test func digitMapping() {
        let keys: [(Character, UInt8)] = [
            ("0", 0), ("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5), ("6", 6), ("7", 7), ("8", 8), ("9", 9),
            ("*", 10), ("#", 11), ("A", 12), ("B", 13), ("C", 14), ("D", 15),
        ]
        for (character, code) in keys {
            let digit = DTMFDigit(character: character)
            #expect(digit?.event == code)
            #expect(DTMFDigit(event: code)?.rawValue == character)
        }
        #expect(DTMFDigit(character: "d") == .d)
        #expect(DTMFDigit(character: "E") == nil)
        #expect(DTMFDigit(event: DTMFDigit.flashEvent) == nil)
        #expect(TelephoneEvent(event: 16, duration: 1).digit == nil)
    }
}
