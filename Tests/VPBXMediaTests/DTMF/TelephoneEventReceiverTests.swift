import Testing
import VPBXRTP

@testable import VPBXMedia

@Suite("RFC 4733 receiver")
struct TelephoneEventReceiverTests {
    private func packet(
        _ digit: DTMFDigit, _ timestamp: UInt32, _ duration: UInt16, end: Bool = false, marker: Bool = false
    )
        -> TelephoneEventPacket
    {
        TelephoneEventPacket(
            event: TelephoneEvent(digit: digit, isEnd: end, duration: duration), timestamp: timestamp, marker: marker)
    }

    @Test func aWholeEventReportsPressAndReleaseOnce() {
        var receiver = TelephoneEventReceiver()
        let stream = [
            packet(.one, 1000, 0, marker: true), packet(.one, 1000, 0, marker: true),  // start sent twice
            packet(.one, 1000, 400), packet(.one, 1000, 800, end: true), packet(.one, 1000, 800, end: true),
            packet(.one, 1000, 800, end: true),
        ]
        let actions = stream.flatMap { receiver.receive($0, ssrc: 5) }
        #expect(actions == [.pressed(.one), .released(.one, samples: 800)])
    }

    @Test func lostStartPacketsStillReportTheKey() {
        var receiver = TelephoneEventReceiver()
        #expect(receiver.receive(packet(.four, 2000, 400), ssrc: 5) == [.pressed(.four)])
        #expect(receiver.receive(packet(.four, 2000, 800), ssrc: 5) == [])
    }

    @Test func onlyEndPacketsArrived() {
        var receiver = TelephoneEventReceiver()
        #expect(
            receiver.receive(packet(.nine, 3000, 960, end: true), ssrc: 5) == [
                .pressed(.nine), .released(.nine, samples: 960),
            ])
        #expect(receiver.receive(packet(.nine, 3000, 960, end: true), ssrc: 5) == [])
    }

    @Test func sameKeyTwiceIsTwoPresses() {
        var receiver = TelephoneEventReceiver()
        var actions = receiver.receive(packet(.two, 100, 800, end: true), ssrc: 5)
        actions += receiver.receive(packet(.two, 2000, 0, marker: true), ssrc: 5)
        #expect(actions == [.pressed(.two), .released(.two, samples: 800), .pressed(.two)])
    }

    @Test func latePacketsOfAnOldEventAreIgnored() {
        var receiver = TelephoneEventReceiver()
        _ = receiver.receive(packet(.two, 100, 400), ssrc: 5)
        _ = receiver.receive(packet(.three, 2000, 0, marker: true), ssrc: 5)
        #expect(receiver.receive(packet(.two, 100, 800, end: true), ssrc: 5) == [])
    }

    @Test func timestampWrapIsNewerNotOlder() {
        var receiver = TelephoneEventReceiver()
        _ = receiver.receive(packet(.two, UInt32.max - 100, 800, end: true), ssrc: 5)
        #expect(receiver.receive(packet(.six, 700, 0), ssrc: 5) == [.pressed(.six)])
    }

    @Test func newSourceStartsOver() {
        var receiver = TelephoneEventReceiver()
        _ = receiver.receive(packet(.two, 5000, 400), ssrc: 5)
        // After a re-INVITE the new stream may reuse any timestamp, even an "older" one.
        #expect(receiver.receive(packet(.two, 100, 0), ssrc: 6) == [.pressed(.two)])
    }

    @Test func flashIsNotAKey() {
        var receiver = TelephoneEventReceiver()
        let flash = TelephoneEventPacket(
            event: TelephoneEvent(event: DTMFDigit.flashEvent, isEnd: true, duration: 800), timestamp: 1, marker: true)
        #expect(receiver.receive(flash, ssrc: 5) == [])
    }
}
