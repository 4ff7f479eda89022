import Testing

@testable import VPBXPBX

@Suite("IVR menu state machine")
struct MenuSessionTests {
    private func menu(directDial: Bool = false, attempts: Int = 3, onTimeout: Destination = .hangup) -> MenuDefinition {
        MenuDefinition(
            name: "main", greeting: "welcome-menu",
            options: ["1": .extension("1001"), "2": .extension("1002"), "9": .menu("english")],
            timeoutSeconds: 5, attempts: attempts, directDial: directDial, onTimeout: onTimeout,
            onInvalid: .extension("1000"))
    }

    @Test("greeting, a key during the greeting, routed with the key in the path")
    func keyDuringGreeting() {
        var session = MenuSession(menu: menu(), extensions: [])
        #expect(session.handle(.start) == [.play(["welcome-menu"])])
        #expect(session.handle(.key("2")) == [.stopPlayback, .route(.extension("1002"), step: "ivr:main=2")])
        #expect(session.isDone)
        #expect(session.handle(.timerFired) == [])
    }

    @Test("the greeting ends, the caller waits, then presses a key")
    func keyAfterGreeting() {
        var session = MenuSession(menu: menu(), extensions: [])
        _ = session.handle(.start)
        #expect(session.handle(.playbackFinished) == [.startTimer(seconds: 5)])
        #expect(session.handle(.key("9")) == [.cancelTimer, .route(.menu("english"), step: "ivr:main=9")])
    }

    @Test("an invalid key replays with the invalid prompt; too many go to the invalid destination")
    func invalidKeys() {
        var session = MenuSession(menu: menu(attempts: 2), extensions: [])
        _ = session.handle(.start)
        #expect(session.handle(.key("7")) == [.stopPlayback, .play(["invalid-choice", "welcome-menu"])])
        _ = session.handle(.playbackFinished)
        #expect(session.handle(.key("#")) == [.cancelTimer, .route(.extension("1000"), step: "ivr:main=invalid")])
    }

    @Test("silence: no-input prompt and replay, then goodbye and hang up after the last attempt")
    func timeouts() {
        var session = MenuSession(menu: menu(attempts: 3), extensions: [])
        _ = session.handle(.start)
        for _ in 1..<3 {
            #expect(session.handle(.playbackFinished) == [.startTimer(seconds: 5)])
            #expect(session.handle(.timerFired) == [.play(["no-input", "welcome-menu"])])
        }
        _ = session.handle(.playbackFinished)
        #expect(session.handle(.timerFired) == [.play(["goodbye"]), .hangup(step: "ivr:main=timeout")])
        #expect(session.isDone)
    }

    @Test("a chosen destination that fails brings the caller back: busy or unavailable notice, then the menu again")
    func destinationFailedReturnsToMenu() {
        var session = MenuSession(menu: menu(attempts: 3), extensions: [])
        _ = session.handle(.start)
        #expect(session.handle(.key("2")) == [.stopPlayback, .route(.extension("1002"), step: "ivr:main=2")])
        #expect(session.handle(.destinationFailed(busy: true)) == [.play(["vm-busy", "welcome-menu"])])
        #expect(!session.isDone)
        #expect(session.handle(.key("1")) == [.stopPlayback, .route(.extension("1001"), step: "ivr:main=1")])
        #expect(session.handle(.destinationFailed(busy: false)) == [.play(["vm-unavailable", "welcome-menu"])])
        // A failure reported while the menu is still running (not routed) changes nothing.
        #expect(session.handle(.destinationFailed(busy: false)) == [])
    }

    @Test("a destination that keeps failing ends with goodbye once the attempts are used up (no endless loop)")
    func failingTimeoutDestinationEnds() {
        var session = MenuSession(menu: menu(attempts: 2, onTimeout: .extension("1000")), extensions: [])
        _ = session.handle(.start)
        _ = session.handle(.playbackFinished)
        #expect(session.handle(.timerFired) == [.play(["no-input", "welcome-menu"])])
        _ = session.handle(.playbackFinished)
        #expect(session.handle(.timerFired) == [.route(.extension("1000"), step: "ivr:main=timeout")])
        #expect(
            session.handle(.destinationFailed(busy: false))
                == [.play(["vm-unavailable", "goodbye"]), .hangup(step: "ivr:main=unavailable")])
        #expect(session.isDone)
    }

    @Test("a timeout destination other than hangup is routed to without a goodbye")
    func timeoutDestination() {
        var session = MenuSession(menu: menu(attempts: 1, onTimeout: .extension("1000")), extensions: [])
        _ = session.handle(.start)
        _ = session.handle(.playbackFinished)
        #expect(session.handle(.timerFired) == [.route(.extension("1000"), step: "ivr:main=timeout")])
    }

    @Test("direct dial: whole numbers route at once, prefixes wait for more digits, a lone option key still works")
    func directDial() {
        let extensions: Set<String> = ["101", "1015", "205"]
        var session = MenuSession(menu: menu(directDial: true), extensions: extensions)
        _ = session.handle(.start)
        #expect(session.handle(.key("2")) == [.stopPlayback, .startTimer(seconds: 2)])
        #expect(session.handle(.key("0")) == [.cancelTimer, .startTimer(seconds: 2)])
        #expect(session.handle(.key("5")) == [.cancelTimer, .route(.extension("205"), step: "ivr:main=205")])

        // 101 is a number and a prefix of 1015: it waits, and the inter-digit timeout dials 101.
        var waiting = MenuSession(menu: menu(directDial: true), extensions: extensions)
        _ = waiting.handle(.start)
        _ = waiting.handle(.key("1"))
        _ = waiting.handle(.key("0"))
        #expect(waiting.handle(.key("1")) == [.cancelTimer, .startTimer(seconds: 2)])
        #expect(waiting.handle(.timerFired) == [.route(.extension("101"), step: "ivr:main=101")])

        // "1" alone: a prefix of 101, but after the inter-digit timeout it is option 1.
        var option = MenuSession(menu: menu(directDial: true), extensions: extensions)
        _ = option.handle(.start)
        _ = option.handle(.key("1"))
        #expect(option.handle(.timerFired) == [.route(.extension("1001"), step: "ivr:main=1")])

        // Digits that lead nowhere count as an invalid entry.
        var wrong = MenuSession(menu: menu(directDial: true), extensions: extensions)
        _ = wrong.handle(.start)
        _ = wrong.handle(.key("2"))
        #expect(wrong.handle(.key("9")) == [.cancelTimer, .play(["invalid-choice", "welcome-menu"])])
    }

    @Test("without direct dial, extension numbers are not collected")
    func noDirectDial() {
        var session = MenuSession(menu: menu(directDial: false), extensions: ["205"])
        _ = session.handle(.start)
        #expect(session.handle(.key("2")) == [.stopPlayback, .route(.extension("1002"), step: "ivr:main=2")])
    }
}
