import NIOConcurrencyHelpers
import NIOCore
import Testing
import VPBXRTP

@testable import VPBXNetwork

/// A side's keys reported while the call is relayed (a mobile asked to press 1).
@Suite("RelaySession digit watching")
struct RelayDigitWatchTests {
    /// An RFC 4733 end packet for `digit` under payload type 101.
    private func endPacket(_ digit: DTMFDigit, timestamp: UInt32, sequence: UInt16) -> [UInt8] {
        let header = RTPHeader(marker: false, payloadType: 101, sequenceNumber: sequence, timestamp: timestamp, ssrc: 9)
        var bytes = [UInt8](repeating: 0, count: RTPHeader.fixedSize)
        _ = bytes.withUnsafeMutableBytes { header.write(into: $0) }
        return bytes + TelephoneEvent(digit: digit, isEnd: true, duration: 800).bytes
    }

    @Test(
        "keys from the watched side are reported once each (end packets repeat), those of the other side and after the stop are not"
    )
    func reportsTheWatchedSidesKeys() async throws {
        let relay = try makeRelay()
        let session = try await relay.makeSession(bindHost: "127.0.0.1")
        let keys = NIOLockedValueBox<[Character]>([])
        try await withTwoPhones { phoneA, phoneB in
            try await session.setExpectedRemote(side: .a, host: "127.0.0.1", port: phoneA.port)
            try await session.setExpectedRemote(side: .b, host: "127.0.0.1", port: phoneB.port)
            session.watchDigits(from: .b, eventPayloadType: 101) { digit in keys.withLockedValue { $0.append(digit) } }
            var sequence: UInt16 = 1
            for (timestamp, digit) in [(UInt32(8000), DTMFDigit.one), (UInt32(9600), DTMFDigit.one)] {
                for _ in 0..<3 {
                    try await phoneB.send(endPacket(digit, timestamp: timestamp, sequence: sequence), to: session.bPort)
                    sequence &+= 1
                }
            }
            try await phoneA.send(endPacket(.five, timestamp: 100, sequence: 1), to: session.aPort)
            try await eventually { keys.withLockedValue { $0.count } == 2 }
            // Forwarded as usual besides: A's phone got B's packets.
            try await eventually { phoneA.received.count == 6 }

            session.stopWatchingDigits(from: .b)
            try await eventually { try await session.statistics().b.rtp.packetsIn == 6 }
            try await phoneB.send(endPacket(.two, timestamp: 20_000, sequence: sequence), to: session.bPort)
            try await eventually { phoneA.received.count == 7 }
            #expect(keys.withLockedValue { $0 } == ["1", "1"])
        }
        await session.close()
    }
}
