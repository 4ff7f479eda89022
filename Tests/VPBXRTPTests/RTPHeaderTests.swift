import Testing

@testable import VPBXRTP

@Suite("RTP header")
struct RTPHeaderTests {
    private func parse(_ bytes: [UInt8]) -> RTPHeader? {
        bytes.withUnsafeBytes { RTPHeader(bytes: $0) }
    }

    private func write(_ header: RTPHeader, capacity: Int = 128) -> [UInt8] {
        var buffer = [UInt8](repeating: 0xEE, count: capacity)
        let written = buffer.withUnsafeMutableBytes { header.write(into: $0) }
        return Array(buffer.prefix(written))
    }

    /// A PCMA packet: marker set, seq 0x1234, ts 0x00010203, SSRC 0xDEADBEEF, 3 payload bytes.
    private let simplePacket: [UInt8] = [
        0x80, 0x88, 0x12, 0x34, 0x00, 0x01, 0x02, 0x03, 0xDE, 0xAD, 0xBE, 0xEF, 0xD5, 0xD5, 0xD5,
    ]

    @Test func parsesFixedHeader() throws {
        let header = try #require(parse(simplePacket))
        #expect(header.marker)
        #expect(header.payloadType == 8)
        #expect(header.sequenceNumber == 0x1234)
        #expect(header.timestamp == 0x0001_0203)
        #expect(header.ssrc == 0xDEAD_BEEF)
        #expect(header.csrcCount == 0)
        #expect(header.extension == nil)
        #expect(!header.hasPadding)
        #expect(header.payloadOffset == 12)
        #expect(header.payloadLength == 3)
    }

    @Test func writesFixedHeader() {
        let header = RTPHeader(
            marker: true, payloadType: 8, sequenceNumber: 0x1234, timestamp: 0x0001_0203, ssrc: 0xDEAD_BEEF)
        #expect(write(header) == Array(simplePacket.prefix(12)))
    }

    @Test func csrcsExtensionAndPaddingRoundTrip() throws {
        // V=2 P=1 X=1 CC=2, PT 0, two CSRCs, a one-word extension, 2 payload bytes, 3 padding.
        let packet: [UInt8] = [
            0xB2, 0x00, 0x00, 0x01, 0, 0, 0, 160, 0, 0, 0, 7,
            0, 0, 0, 1, 0, 0, 0, 2,
            0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAA, 0x00, 0x00,
            0xFF, 0x7F,
            0x00, 0x00, 0x03,
        ]
        let header = try #require(parse(packet))
        #expect(header.hasPadding)
        #expect(header.csrcCount == 2)
        #expect(header.csrc(at: 0) == 1 && header.csrc(at: 1) == 2)
        #expect(header.extension == RTPHeader.Extension(profile: 0xBEDE, lengthInWords: 1))
        #expect(header.payloadOffset == 28)
        #expect(header.payloadLength == 2)
        // The header value does not carry extension data: writing zero-fills it.
        var expected = Array(packet.prefix(28))
        expected[24] = 0
        expected[25] = 0
        #expect(write(header) == expected)
    }

    @Test func builtHeaderWithCSRCs() throws {
        var header = RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3)
        for source in 1...15 {
            let appended = header.appendCSRC(UInt32(source))
            #expect(appended)
        }
        let sixteenth = header.appendCSRC(16)
        #expect(!sixteenth)
        let bytes = write(header)
        #expect(bytes.count == 12 + 60)
        #expect(bytes[0] == 0x8F)
        var parsed = try #require(parse(bytes + [0xFF]))
        #expect(parsed.csrc(at: 14) == 15)
        #expect(parsed.payloadLength == 1)
        parsed = try #require(parse(bytes))
        #expect(parsed == header)
    }

    @Test(
        "rejects packets that are not valid RTP",
        arguments: [
            [],
            [0x80, 0x00, 0x00],  // shorter than the fixed header
            [0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1],  // version 1
            [0x00, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1],  // version 0 (STUN and friends)
            [0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1],  // announces a CSRC it does not carry
            [0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE],  // truncated extension header
            [0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 2, 0, 0, 0, 0],  // short extension data
            [0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xAA, 0x00],  // padding length 0
            [0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xAA, 0x09],  // padding longer than the payload
        ] as [[UInt8]])
    func rejects(packet: [UInt8]) {
        #expect(parse(packet) == nil)
    }

    @Test func writeRefusesSmallBuffer() {
        let header = RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3)
        var buffer = [UInt8](repeating: 0, count: 11)
        let written = buffer.withUnsafeMutableBytes { header.write(into: $0) }
        #expect(written == 0)
    }

    @Test func rewriteInPlaceKeepsEverythingElse() throws {
        var packet = simplePacket
        let changed = packet.withUnsafeMutableBytes {
            RTPHeader.rewrite(in: $0, payloadType: 0, sequenceNumber: 7, timestamp: 8, ssrc: 9)
        }
        #expect(changed)
        let header = try #require(parse(packet))
        #expect(header.marker)
        #expect(header.payloadType == 0)
        #expect(header.sequenceNumber == 7 && header.timestamp == 8 && header.ssrc == 9)
        #expect(packet.suffix(3) == [0xD5, 0xD5, 0xD5])
        var garbage: [UInt8] = [0x00, 1, 2]
        let rewroteGarbage = garbage.withUnsafeMutableBytes { RTPHeader.rewrite(in: $0, ssrc: 1) }
        #expect(!rewroteGarbage)
    }

    @Test func parsesAtUnalignedOffsets() throws {
        let shifted = [0x00] + simplePacket
        let header = try #require(
            shifted.withUnsafeBytes { RTPHeader(bytes: UnsafeRawBufferPointer(rebasing: $0.dropFirst())) })
        #expect(header.ssrc == 0xDEAD_BEEF)
    }
}
