import Testing

@testable import VPBXPBX

@Suite("Voicemail deposit state machine")
struct VoicemailDepositTests {
    @Test("unavailable: default greeting, beep, record, save, thank and hang up")
    func unavailable() {
        var deposit = VoicemailDeposit(settings: .init(mailbox: "1002", maximumSeconds: 120), reason: .unavailable)
        #expect(deposit.handle(.start) == [.play(["vm-unavailable", "vm-leave-message"], bargeIn: true)])
        #expect(deposit.handle(.playbackFinished) == [.playBeep])
        #expect(deposit.handle(.playbackFinished) == [.record(maximumSeconds: 120)])
        #expect(
            deposit.handle(.recordingStopped(seconds: 7.5, callerHungUp: false)) == [
                .save, .play(["vm-message-recorded", "goodbye"], bargeIn: false), .hangup(step: "vm:1002=left"),
            ])
        #expect(deposit.handle(.playbackFinished) == [])
    }

    @Test("busy with the owner's greeting; # skips it; a caller hanging up mid-message still leaves it")
    func busyCustomSkip() {
        var deposit = VoicemailDeposit(
            settings: .init(mailbox: "1002", customGreeting: "greeting-1002-busy"), reason: .busy)
        #expect(deposit.handle(.start) == [.play(["greeting-1002-busy", "vm-leave-message"], bargeIn: true)])
        #expect(deposit.handle(.key("5")) == [])
        #expect(deposit.handle(.key("#")) == [.stopPlayback, .playBeep])
        _ = deposit.handle(.playbackFinished)
        #expect(
            deposit.handle(.recordingStopped(seconds: 3, callerHungUp: true)) == [.save, .hangup(step: "vm:1002=left")])
    }

    @Test("a message shorter than the minimum is discarded")
    func tooShort() {
        var deposit = VoicemailDeposit(settings: .init(mailbox: "1002"), reason: .unavailable)
        _ = deposit.handle(.start)
        _ = deposit.handle(.playbackFinished)
        _ = deposit.handle(.playbackFinished)
        #expect(
            deposit.handle(.recordingStopped(seconds: 0.4, callerHungUp: true)) == [
                .discard, .hangup(step: "vm:1002=empty"),
            ])
    }
}
