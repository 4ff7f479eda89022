import Testing

@testable import VPBXPBX

@Suite("Voicemail mailbox menu state machine")
struct VoicemailMailboxTests {
    private let messages: [VoicemailMailbox.Message] = [
        .init(id: "old-1", isNew: false), .init(id: "new-1", isNew: true), .init(id: "new-2", isNew: true),
    ]

    /// Own box from the owner's phone, no PIN, logged in and counted.
    private func loggedIn() -> VoicemailMailbox {
        var box = VoicemailMailbox(mailbox: "1001", requiresPIN: false)
        #expect(box.handle(.start) == [.loadMailbox("1001")])
        #expect(
            box.handle(.mailboxLoaded(messages)) == [
                .play(["vm-you-have", "num-2", "vm-new-messages", "num-1", "vm-saved-messages", "vm-main-menu"])
            ])
        return box
    }

    @Test("new messages first; hearing one to its end marks it heard; next, delete, back")
    func listen() {
        var box = loggedIn()
        #expect(box.handle(.key("1")) == [.stopPlayback, .cancelTimer, .playMessage(id: "new-1")])
        #expect(box.handle(.playbackFinished) == [.markHeard(id: "new-1"), .play(["vm-message-menu"])])
        #expect(box.handle(.key("5")) == [.stopPlayback, .cancelTimer, .playMessage(id: "new-1")])
        // Heard again: already old, not marked twice.
        #expect(box.handle(.playbackFinished) == [.play(["vm-message-menu"])])
        #expect(box.handle(.key("6")) == [.stopPlayback, .cancelTimer, .playMessage(id: "new-2")])
        // 7 while the message plays: delete it; the next (the old one) plays.
        #expect(
            box.handle(.key("7")) == [
                .stopPlayback, .cancelTimer, .delete(id: "new-2"), .play(["vm-message-deleted"]), .playMessage(id: "old-1"),
            ])
        #expect(box.handle(.playbackFinished) == [.play(["vm-message-menu"])])
        #expect(
            box.handle(.key("6")) == [.stopPlayback, .cancelTimer, .play(["vm-no-more-messages", "vm-main-menu"])])
        #expect(
            box.handle(.key("#")) == [
                .stopPlayback, .cancelTimer, .play(["goodbye"]), .hangup(step: "vm-mailbox=exit"),
            ])
    }

    @Test("any box with PIN: mailbox digits and PIN end with #; a wrong PIN asks for the mailbox again; three strikes")
    func pinLogin() {
        var box = VoicemailMailbox(mailbox: nil, requiresPIN: true)
        #expect(box.handle(.start) == [.play(["vm-enter-mailbox"]), .startTimer(seconds: 6)])
        _ = box.handle(.key("1"))
        _ = box.handle(.key("0"))
        _ = box.handle(.key("0"))
        #expect(box.handle(.key("2")) == [.stopPlayback, .startTimer(seconds: 6)])
        #expect(
            box.handle(.key("#")) == [.stopPlayback, .cancelTimer, .play(["vm-enter-pin"]), .startTimer(seconds: 6)])
        for key in "4711" { _ = box.handle(.key(key)) }
        #expect(box.handle(.key("#")) == [.stopPlayback, .cancelTimer, .verifyPIN(mailbox: "1002", pin: "4711")])
        #expect(
            box.handle(.pinChecked(false)) == [.play(["vm-wrong-pin", "vm-enter-mailbox"]), .startTimer(seconds: 6)])
        for key in "1002#" { _ = box.handle(.key(key)) }
        for key in "0000" { _ = box.handle(.key(key)) }
        // The PIN ends by the timer this time.
        #expect(box.handle(.timerFired) == [.verifyPIN(mailbox: "1002", pin: "0000")])
        _ = box.handle(.pinChecked(false))
        for key in "1002#1234#" { _ = box.handle(.key(key)) }
        #expect(
            box.handle(.pinChecked(false)) == [.play(["vm-wrong-pin", "goodbye"]), .hangup(step: "vm-login=failed")])
        #expect(box.handle(.key("1")) == [])
    }

    @Test("a good PIN loads the box; an empty box says so")
    func emptyBox() {
        var box = VoicemailMailbox(mailbox: "1001", requiresPIN: true)
        #expect(box.handle(.start) == [.play(["vm-enter-pin"]), .startTimer(seconds: 6)])
        for key in "9876#" { _ = box.handle(.key(key)) }
        #expect(box.handle(.pinChecked(true)) == [.loadMailbox("1001")])
        #expect(box.handle(.mailboxLoaded([])) == [.play(["vm-no-messages", "vm-main-menu"])])
        #expect(box.handle(.key("1")) == [.stopPlayback, .cancelTimer, .play(["vm-no-messages", "vm-main-menu"])])
    }

    @Test("own box without voicemail: goodbye, no probing")
    func noMailbox() {
        var box = VoicemailMailbox(mailbox: "1001", requiresPIN: false)
        _ = box.handle(.start)
        #expect(box.handle(.mailboxLoaded(nil)) == [.play(["goodbye"]), .hangup(step: "vm-login=no-mailbox")])
    }

    @Test("record the busy greeting: prompt, beep, record, saved; a too short one is refused")
    func greetings() {
        var box = loggedIn()
        #expect(box.handle(.key("0")) == [.stopPlayback, .cancelTimer, .play(["vm-options-menu"])])
        #expect(box.handle(.key("2")) == [.stopPlayback, .cancelTimer, .play(["vm-record-greeting"])])
        #expect(box.handle(.playbackFinished) == [.playBeep, .record(maximumSeconds: 60)])
        #expect(
            box.handle(.recordingStopped(seconds: 4)) == [
                .saveGreeting(.busy), .play(["vm-greeting-saved", "vm-options-menu"]),
            ])
        _ = box.handle(.key("1"))
        _ = box.handle(.playbackFinished)
        #expect(box.handle(.recordingStopped(seconds: 0.2)) == [.play(["invalid-choice", "vm-options-menu"])])
    }

    @Test("three silent menus end the call")
    func timeouts() {
        var box = loggedIn()
        #expect(box.handle(.playbackFinished) == [.startTimer(seconds: 6)])
        #expect(box.handle(.timerFired) == [.play(["vm-main-menu"])])
        _ = box.handle(.playbackFinished)
        #expect(box.handle(.timerFired) == [.play(["vm-main-menu"])])
        _ = box.handle(.playbackFinished)
        #expect(box.handle(.timerFired) == [.play(["goodbye"]), .hangup(step: "vm-mailbox=timeout")])
    }
}
