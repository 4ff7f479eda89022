import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

@testable import VPBXNetwork

/// A port range of `pairs` pairs at a random even base in 20000-30000: below Linux's ephemeral
/// range (where the test phones' ports come from) and different per test, since tests run in
/// parallel. A collision with anything else is survived anyway: the relay skips busy ports.
func randomPortRange(pairs: Int) -> ClosedRange<Int> {
    let base = Int.random(in: 10000..<15000) * 2
    return base...(base + pairs * 2 - 1)
}

/// A relay on loopback ports; `pollerThreads: 0` keeps every packet on the NIO handlers.
func makeRelay(pairs: Int = 8, timeout: TimeAmount? = nil, pollerThreads: Int = 1) throws -> RTPRelay {
    try RTPRelay(
        group: MultiThreadedEventLoopGroup.singleton,
        configuration: .init(portRange: randomPortRange(pairs: pairs), inactivityTimeout: timeout, pollerThreads: pollerThreads)
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
