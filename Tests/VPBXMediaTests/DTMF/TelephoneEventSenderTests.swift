import Testing
import VPBXRTP

@testable import VPBXMedia

@Suite("RFC 4733 sender")
struct TelephoneEventSenderTests {
    /// Runs the sender on a 20 ms frame clock until idle; returns (media time, packet) pairs.
    private func run(_ digit: DTMFDigit, samples: Int) -> [(Int, TelephoneEventPacket)] {
        var sender = TelephoneEventSender()
        var sent = sender.start(digit, samples: samples, timestamp: 48_000, now: 1000).map { (1000, $0) }
        var now = 1000
        while !sender.isIdle && now < 1000 + 100_000 {
            now += 160
            sent += sender.advance(to: now).map { (now, $0) }
        }
        return sent
    }

    @Test func startUpdatesAndThreeEnds() {
        let sent = run(.seven, samples: 800)  // 100 ms
        #expect(sent.allSatisfy { $0.1.timestamp == 48_000 && $0.1.event.digit == .seven })
        #expect(sent.map(\.1.marker) == [true, false, false, false, false])
        #expect(sent.map(\.1.event.isEnd) == [false, false, true, true, true])
        // Start with duration 0, an update at 50 ms (sent on the first tick at or after it), the
        // end at 100 ms with the full duration, repeated twice 20 ms apart.
        #expect(sent.map(\.1.event.duration) == [0, 400, 800, 800, 800])
        #expect(sent.map(\.0) == [1000, 1480, 1800, 1960, 2120])
    }

    @Test func busySenderRefusesASecondKey() {
        var sender = TelephoneEventSender()
        #expect(sender.start(.one, timestamp: 0, now: 0).count == 1)
        #expect(sender.start(.two, timestamp: 0, now: 0).isEmpty)
    }

    @Test func longKeysCapTheDurationField() {
        let sent = run(.zero, samples: 100_000)
        #expect(sent.last?.1.event.duration == UInt16.max)
        #expect(sent.filter(\.1.event.isEnd).count == 3)
    }

    @Test func packetsSurviveTheWire() {
        var rtp = RTPSender(law: .alaw, ssrc: 42, sequenceNumber: 0, timestamp: 0)
        var receiver = TelephoneEventReceiver()
        var actions: [TelephoneEventReceiver.Action] = []
        for (_, packet) in run(.pound, samples: 1200) {
            guard let received = ReceivedRTPPacket(bytes: rtp.eventPacket(packet)), let parsed = received.telephoneEvent
            else {
                Issue.record("unparseable")
                return
            }
            #expect(parsed == packet)
            actions += receiver.receive(parsed, ssrc: received.header.ssrc)
        }
        #expect(actions == [.pressed(.pound), .released(.pound, samples: 1200)])
    }
}
