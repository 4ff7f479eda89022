import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

@testable import VPBXNetwork

/// A port range of `pairs` pairs, the start of this test's own block of 20000-25999: below
/// Linux's ephemeral range (where the test phones' ports come from) and apart from every
/// other test's, since tests run in parallel. A collision with anything else is survived
/// anyway: the relay skips busy ports.
func testPortRange(pairs: Int) -> ClosedRange<Int> {
    precondition(pairs <= portBlockSize / 2, "a test range is at most \(portBlockSize / 2) pairs")
    let block = nextPortBlock.withLockedValue { block -> Int in
        defer { block = (block + 1) % portBlockCount }
        return block
    }
    let base = 20_000 + block * portBlockSize
    return base...(base + pairs * 2 - 1)
}

/// Each relay gets the next block in turn (from a random one, wrapping after 60): ranges
/// picked at random overlapped, and a test found its ports taken now and then. The media
/// tests (VPBXMediaIOTests) use 26000-29999.
private let portBlockSize = 100
private let portBlockCount = 60
private let nextPortBlock = NIOLockedValueBox(Int.random(in: 0..<portBlockCount))

/// A relay on loopback ports; `pollerThreads: 0` keeps every packet on the NIO handlers.
func makeRelay(pairs: Int = 8, timeout: TimeAmount? = nil, pollerThreads: Int = 1) throws -> RTPRelay {
    try RTPRelay(
        group: MultiThreadedEventLoopGroup.singleton,
        configuration: .init(portRange: testPortRange(pairs: pairs), inactivityTimeout: timeout, pollerThreads: pollerThreads)
    )
}

/// Counts `onTimeout` calls.
final class TimeoutCounter: Sendable {
    private let count = NIOLockedValueBox(0)
    var value: Int { self.count.withLockedValue { $0 } }
    var callback: @Sendable () -> Void { { self.count.withLockedValue { $0 += 1 } } }
}

/// An RTP-looking packet: a 12-byte header with `sequence`, then `payloadSize` bytes of pattern.
func rtpPacket(sequence: UInt16, payloadSize: Int = 160) -> [UInt8] {
    var bytes: [UInt8] = [0x80, 0x00, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
    bytes += [UInt8](repeating: 0, count: 8)
    bytes += (0..<payloadSize).map { UInt8(truncatingIfNeeded: $0 &+ Int(sequence)) }
    return bytes
}

extension AddressedEnvelope<ByteBuffer> {
    var bytes: [UInt8] { Array(self.data.readableBytesView) }
}
