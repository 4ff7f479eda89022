import Testing
@testable import VPBXSIP

@Suite struct SIPStreamFramerTests {
    static let message = Array("OPTIONS sip:x SIP/2.0\r\nl: 4\r\nCall-ID: a\r\n\r\nbody".utf8)

    func frame(_ bytes: [UInt8]) throws -> SIPStreamFramer.Frame {
        try bytes.withUnsafeBytes { buffer throws(SIPParseError) in try SIPStreamFramer.nextFrame(in: buffer) }
    }

    /// Feeding the stream one byte at a time must yield exactly the same frames as feeding it whole.
    @Test func byteByByteAndBatchedFeedingAgree() throws {
        let stream = Array("\r\n\r\n".utf8) + Self.message + Self.message
        for chunk in [1, 3, 7, stream.count] {
            var buffer: [UInt8] = []
            var frames: [[UInt8]] = []
            var keepAlives = 0
            var offset = 0
            while offset < stream.count {
                buffer += stream[offset..<min(offset + chunk, stream.count)]
                offset += chunk
                loop: while true {
                    switch try frame(buffer) {
                    case .needMoreData: break loop
                    case .keepAlive(let count):
                        keepAlives += count
                        buffer.removeFirst(count)
                    case .message(let length):
                        frames.append(Array(buffer[0..<length]))
                        buffer.removeFirst(length)
                    }
                }
            }
            #expect(frames == [Self.message, Self.message], "chunk \(chunk)")
            #expect(keepAlives == 4)
            #expect(buffer.isEmpty)
        }
    }

    @Test func refusesHugeDeclaredBodies() {
        let head = Array("INVITE sip:x SIP/2.0\r\nContent-Length: 10000000\r\n\r\n".utf8)
        #expect { try frame(head) } throws: { ($0 as? SIPParseError)?.kind == .tooLarge }
    }
}
