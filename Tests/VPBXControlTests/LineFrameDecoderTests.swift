import NIOCore
import NIOEmbedded
import Testing

@testable import VPBXControl

/// Framing replayed byte by byte and in one batch must give the same frames.
@Suite struct LineFrameDecoderTests {
    enum Frame: Equatable {
        case line(String)
        case oversized
    }

    func decode(_ chunks: [[UInt8]], maximum: Int) throws -> [Frame] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximum)))
        var frames: [Frame] = []
        func drain() throws {
            while let frame: LineFrame = try channel.readInbound() {
                switch frame {
                case .line(let bytes): frames.append(.line(String(buffer: bytes)))
                case .oversized: frames.append(.oversized)
                }
            }
        }
        for chunk in chunks {
            try channel.writeInbound(ByteBuffer(bytes: chunk))
            try drain()
        }
        _ = try channel.finish()
        try drain()
        return frames
    }

    func checkAllSplits(_ input: String, maximum: Int, expected: [Frame]) throws {
        let bytes = Array(input.utf8)
        #expect(try decode([bytes], maximum: maximum) == expected, "batched")
        #expect(try decode(bytes.map { [$0] }, maximum: maximum) == expected, "byte by byte")
        for size in [2, 3, 7] {
            let chunks = stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
            #expect(try decode(chunks, maximum: maximum) == expected, "chunks of \(size)")
        }
    }

    @Test func splitsLinesAndTrimsCarriageReturns() throws {
        try checkAllSplits(
            "{\"a\":1}\n{\"b\":2}\r\n\nlast", maximum: 64,
            expected: [.line("{\"a\":1}"), .line("{\"b\":2}"), .line(""), .line("last")])
    }

    @Test func multiByteUTF8SurvivesSplitting() throws {
        try checkAllSplits("Kovács Éva\nŐrs\n", maximum: 64, expected: [.line("Kovács Éva"), .line("Őrs")])
    }

    @Test func oversizedLineIsReportedOnceAndStreamContinues() throws {
        let long = String(repeating: "x", count: 40)
        try checkAllSplits(
            "ok\n\(long)\nafter\n", maximum: 16, expected: [.line("ok"), .oversized, .line("after")])
    }

    @Test func lineOfExactlyTheMaximumIsAccepted() throws {
        let exact = String(repeating: "y", count: 16)
        try checkAllSplits("\(exact)\n", maximum: 16, expected: [.line(exact)])
        try checkAllSplits("\(exact)z\n", maximum: 16, expected: [.oversized])
    }

    @Test func oversizedTailWithoutNewlineIsDropped() throws {
        try checkAllSplits("a\n" + String(repeating: "z", count: 50), maximum: 16, expected: [.line("a"), .oversized])
    }
}
