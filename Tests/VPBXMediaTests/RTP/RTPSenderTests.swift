import Testing
import VPBXRTP
import VPBXTestSupport

@testable import VPBXMedia

@Suite("RTP packetiser")
struct RTPSenderTests {
    private let frame = Signals.sine(1000, seconds: 0.02, amplitude: 8000)

    private func parse(_ bytes: [UInt8]) throws -> ReceivedRTPPacket {
        try #require(ReceivedRTPPacket(bytes: bytes))
    }

    @Test func packetsParseWithTheRTPHeader() throws {
        var sender = RTPSender(law: .alaw, ssrc: 0xCAFE_F00D, sequenceNumber: 100, timestamp: 5000)
        let first = try parse(sender.audioPacket(frame))
        #expect(first.header.payloadType == 8)
        #expect(first.header.ssrc == 0xCAFE_F00D)
        #expect(first.header.sequenceNumber == 100)
        #expect(first.header.timestamp == 5000)
        #expect(first.header.marker)
        #expect(first.payload.count == 160)
        #expect(Signals.snr(frame, G711.decode(.alaw, first.payload)) > 30)
        let second = try parse(sender.audioPacket(frame))
        #expect(second.header.sequenceNumber == 101)
        #expect(second.header.timestamp == 5160)
        #expect(!second.header.marker)
    }

    @Test func sequenceAndTimestampWrap() throws {
        var sender = RTPSender(law: .ulaw, ssrc: 1, sequenceNumber: 65534, timestamp: UInt32.max - 200)
        let headers = try (0..<4).map { _ in try parse(sender.audioPacket(frame)).header }
        #expect(headers.map(\.sequenceNumber) == [65534, 65535, 0, 1])
        #expect(headers.map(\.timestamp) == [UInt32.max - 200, UInt32.max - 200 &+ 160, 119, 279])
        #expect(headers.allSatisfy { $0.payloadType == 0 })
    }

    @Test func silenceKeepsTheClockAndMarksTheNextTalkspurt() throws {
        var sender = RTPSender(law: .alaw, ssrc: 1, sequenceNumber: 10, timestamp: 0)
        _ = sender.audioPacket(frame)
        for _ in 0..<25 { sender.skipSilence() }  // half a second not sent
        let resumed = try parse(sender.audioPacket(frame)).header
        #expect(resumed.sequenceNumber == 11)  // no gap in sequence numbers: nothing was lost
        #expect(resumed.timestamp == 160 + 25 * 160)
        #expect(resumed.marker)
        #expect(try !parse(sender.audioPacket(frame)).header.marker)
    }

    @Test func randomStartComesFromTheGenerator() {
        var generator = SeededGenerator(seed: 1)
        let one = RTPSender(law: .alaw, using: &generator)
        let two = RTPSender(law: .alaw, using: &generator)
        #expect(one.ssrc != two.ssrc)
        #expect(one.sequenceNumber != two.sequenceNumber || one.timestamp != two.timestamp)
        var again = SeededGenerator(seed: 1)
        #expect(RTPSender(law: .alaw, using: &again).ssrc == one.ssrc)
    }

    @Test func eventsShareTheSequenceAndCount() throws {
        var sender = RTPSender(law: .alaw, ssrc: 7, sequenceNumber: 1, timestamp: 800, eventPayloadType: 101)
        _ = sender.audioPacket(frame)
        let event = TelephoneEventPacket(event: TelephoneEvent(digit: .five, duration: 0), timestamp: 960, marker: true)
        let packet = try parse(sender.eventPacket(event))
        #expect(packet.header.payloadType == 101)
        #expect(packet.header.sequenceNumber == 2)
        #expect(packet.header.timestamp == 960)
        #expect(packet.header.marker)
        #expect(TelephoneEvent(bytes: packet.payload)?.digit == .five)
        #expect(sender.packetCount == 2)
        #expect(sender.octetCount == 164)
    }

    @Test func senderReportBytes() throws {
        var sender = RTPSender(law: .alaw, ssrc: 0x0102_0304, sequenceNumber: 1, timestamp: 0)
        for _ in 0..<50 { _ = sender.audioPacket(frame) }
        // 2026-01-01T00:00:00.5Z
        let now = NTPTimestamp(unixSeconds: 1_767_225_600.5)
        #expect(now.seconds == 3_976_214_400)
        #expect(now.fraction == 0x8000_0000)
        let report = sender.senderReport(now: now, rtpTimestamp: 8000)
        let bytes = report.bytes
        #expect(bytes.count == 28)
        #expect(Array(bytes.prefix(8)) == [0x80, 200, 0, 6, 1, 2, 3, 4])
        #expect(Array(bytes[20..<28]) == [0, 0, 0, 50, 0, 0, 0x1F, 0x40])  // 50 packets, 8000 octets
        #expect(RTCPSenderReport(bytes: bytes) == report)
        #expect(now.compact == UInt32(truncatingIfNeeded: UInt64(3_976_214_400) << 16) | 0x8000)
    }

    @Test func compoundPacketCarriesCNAME() {
        let report = RTCPSenderReport(
            ssrc: 9, ntpTimestamp: NTPTimestamp(seconds: 1, fraction: 2), rtpTimestamp: 3, packetCount: 4, octetCount: 5
        )
        let bytes = report.compound(cname: "vpbx@10.0.0.1")
        #expect(bytes.count % 4 == 0)
        let sdes = Array(bytes[28...])
        #expect(sdes[0] == 0x81 && sdes[1] == 202)
        #expect(((Int(sdes[2]) << 8 | Int(sdes[3])) + 1) * 4 == sdes.count)
        #expect(Array(sdes[4..<8]) == [0, 0, 0, 9])
        #expect(sdes[8] == 1 && sdes[9] == 13)
        #expect(String(decoding: sdes[10..<23], as: UTF8.self) == "vpbx@10.0.0.1")
        #expect(sdes[23] == 0)
    }

    @Test func receivedPacketRejectsGarbage() {
        #expect(ReceivedRTPPacket(bytes: [0x80, 0]) == nil)
        #expect(ReceivedRTPPacket(bytes: [UInt8](repeating: 0, count: 20)) == nil)  // version 0
    }
}
