/// One caller in one IVR menu: a state machine fed with playback and key events, returning
/// what to do next. It owns no clock and no audio; the media application plays, starts the
/// timers it asks for and reports back (STYLE.md: state machines return actions).
public struct MenuSession: Sendable {
    public enum Event: Sendable, Equatable {
        case start
        /// The last `play` ran to its end.
        case playbackFinished
        /// A key, pressed during playback (barge-in) or while waiting.
        case key(Character)
        /// The timer of the last `startTimer` fired.
        case timerFired
        /// The destination the caller chose did not answer (or was busy) and has no mailbox:
        /// the caller is back in the menu.
        case destinationFailed(busy: Bool)
    }

    public enum Action: Sendable, Equatable {
        /// Play these prompts in order; a key interrupts them.
        case play([String])
        /// Stop what is playing (a key was pressed).
        case stopPlayback
        /// Report `timerFired` after this many seconds, replacing any running timer.
        case startTimer(seconds: Int)
        case cancelTimer
        /// Leave the menu for this destination; `step` goes into the call's path.
        case route(Destination, step: String)
        /// End the call, once the `play` just before it (the goodbye) has run to its end.
        case hangup(step: String)
    }

    /// Prompt names the menu uses besides its greeting.
    public enum Prompt {
        public static let invalid = "invalid-choice"
        public static let noInput = "no-input"
        public static let goodbye = "goodbye"
        /// Said when the chosen destination did not answer, or was busy.
        public static let unavailable = "vm-unavailable"
        public static let busy = "vm-busy"
    }

    private enum State: Sendable, Equatable {
        case idle
        case greeting
        case waiting
        /// Direct dialling: digits so far.
        case collecting(String)
        case done
    }

    public let menu: MenuDefinition
    /// Extension numbers callers may dial directly (when the menu allows it).
    private let extensions: Set<String>
    private var state = State.idle
    private var playsSoFar = 0
    private var invalidKeys = 0

    public init(menu: MenuDefinition, extensions: Set<String>) {
        self.menu = menu
        self.extensions = menu.directDial ? extensions : []
    }

    public var isDone: Bool { state == .done }

    public mutating func handle(_ event: Event) -> [Action] {
        switch (state, event) {
        case (.idle, .start):
            return playGreeting(after: [])
        case (.greeting, .playbackFinished):
            state = .waiting
            return [.startTimer(seconds: menu.timeoutSeconds)]
        case (.greeting, .key(let key)):
            return [.stopPlayback] + pressed(key)
        case (.waiting, .key(let key)):
            return [.cancelTimer] + pressed(key)
        case (.waiting, .timerFired):
            return retry(prefix: Prompt.noInput, giveUp: menu.onTimeout, reason: "timeout")
        case (.collecting(let digits), .key(let key)):
            return [.cancelTimer] + collect(digits + String(key))
        case (.collecting(let digits), .timerFired):
            return dialled(digits)
        case (.done, .destinationFailed(let busy)):
            // Back from a destination that failed: say so and offer the menu again, as long
            // as the menu's attempts last (a timeout destination that keeps failing must not
            // loop forever), then say goodbye.
            let notice = busy ? Prompt.busy : Prompt.unavailable
            guard playsSoFar < menu.attempts else {
                return [.play([notice, Prompt.goodbye]), .hangup(step: "ivr:\(menu.name)=\(busy ? "busy" : "unavailable")")]
            }
            return playGreeting(after: [notice])
        default:
            // Late timers and keys after the menu is left, or a playback event the owner
            // reported twice: nothing to do.
            return []
        }
    }

    private mutating func pressed(_ key: Character) -> [Action] {
        if menu.directDial, extensions.contains(where: { $0.hasPrefix(String(key)) }) {
            return collect(String(key))
        }
        if let destination = menu.options[key] {
            state = .done
            return [.route(destination, step: "ivr:\(menu.name)=\(key)")]
        }
        return invalid()
    }

    /// A direct-dial digit string: route when it is a whole number and no longer one starts
    /// with it, wait for more while it is a prefix, or fall back.
    private mutating func collect(_ digits: String) -> [Action] {
        let longer = extensions.contains { $0.count > digits.count && $0.hasPrefix(digits) }
        if !longer { return dialled(digits) }
        state = .collecting(digits)
        return [.startTimer(seconds: MenuDefinition.interDigitSeconds)]
    }

    private mutating func dialled(_ digits: String) -> [Action] {
        if extensions.contains(digits) {
            state = .done
            return [.route(.extension(digits), step: "ivr:\(menu.name)=\(digits)")]
        }
        // A single key that is also an option (1 with extensions 101, 102): the option wins.
        if digits.count == 1, let key = digits.first, let destination = menu.options[key] {
            state = .done
            return [.route(destination, step: "ivr:\(menu.name)=\(key)")]
        }
        return invalid()
    }

    private mutating func invalid() -> [Action] {
        invalidKeys += 1
        return retry(prefix: Prompt.invalid, giveUp: menu.onInvalid, reason: "invalid")
    }

    private mutating func retry(prefix: String, giveUp: Destination, reason: String) -> [Action] {
        guard playsSoFar < menu.attempts else {
            state = .done
            if giveUp == .hangup { return [.play([Prompt.goodbye]), .hangup(step: "ivr:\(menu.name)=\(reason)")] }
            return [.route(giveUp, step: "ivr:\(menu.name)=\(reason)")]
        }
        return playGreeting(after: [prefix])
    }

    private mutating func playGreeting(after prompts: [String]) -> [Action] {
        playsSoFar += 1
        state = .greeting
        return [.play(prompts + [menu.greeting])]
    }
}
