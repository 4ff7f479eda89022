import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

@testable import VPBXNetwork

/// A port range of `pairs` pairs, the next unused stretch of 20000-25999: below Linux's
/// ephemeral range (where the test phones' ports come from) and apart from every other
/// test's, since tests run in parallel. A collision with anything else is survived anyway:
/// the relay skips busy ports.
func testPortRange(pairs: Int) -> ClosedRange<Int> {
    let size = pairs * 2
    precondition(size <= testPorts.count, "a test range is at most \(testPorts.count / 2) pairs")
    let base = nextTestPort.withLockedValue { next -> Int in
        if next + size > testPorts.upperBound + 1 { next = testPorts.lowerBound }
        defer { next += size }
        return next
    }
    return base...(base + size - 1)
}

/// Each relay gets the ports after the previous one's (from a random start, wrapping at the
/// end): ranges picked at random overlapped, and fixed blocks of 100 wrapped within a
/// parallel run (64 relays) onto a block whose earlier relay still held its parked
/// sockets. A run uses about 1,200 of these 6,000 ports. The media tests
/// (VPBXMediaIOTests) use 26000-29999.
private let testPorts = 20_000...25_999
private let nextTestPort = NIOLockedValueBox(Int.random(in: 0..<3_000) * 2 + 20_000)

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
