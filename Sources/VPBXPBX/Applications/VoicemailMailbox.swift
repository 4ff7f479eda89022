/// A mailbox owner calling in (`*97` for their own box, `*98` for any box with its PIN): log in,
/// hear the counts, listen (repeat, next, previous, delete, save), and record greetings.
///
/// Keys, close to what Asterisk's VoiceMailMain taught a generation of users:
/// main menu `1` listen, `0` mailbox options, `#` goodbye; after a message `5` repeat,
/// `4` previous, `6` next, `7` delete, `9` save, `#` back; options `1` record the unavailable
/// greeting, `2` the busy greeting, `#` back. While a greeting records, `#` ends it.
public struct VoicemailMailbox: Sendable {
    /// A message as the menu needs it.
    public struct Message: Sendable, Equatable {
        public var id: String
        public var isNew: Bool
        public init(id: String, isNew: Bool) {
            self.id = id
            self.isNew = isNew
        }
    }

    public enum Greeting: String, Sendable { case unavailable, busy }

    public enum Event: Sendable, Equatable {
        case start
        case playbackFinished
        case key(Character)
        case timerFired
        /// Answer to `loadMailbox`: nil when no such mailbox exists.
        case mailboxLoaded([Message]?)
        /// Answer to `verifyPIN`.
        case pinChecked(Bool)
        case recordingStopped(seconds: Double)
    }

    public enum Action: Sendable, Equatable {
        case play([String])
        case playMessage(id: String)
        case stopPlayback
        case playBeep
        case startTimer(seconds: Int)
        case cancelTimer
        case verifyPIN(mailbox: String, pin: String)
        case loadMailbox(String)
        /// A new message was heard to its end: it becomes an old (saved) one.
        case markHeard(id: String)
        case delete(id: String)
        case record(maximumSeconds: Int)
        case saveGreeting(Greeting)
        case hangup(step: String)
    }

    public enum Prompt {
        public static let enterMailbox = "vm-enter-mailbox"
        public static let enterPIN = "vm-enter-pin"
        public static let wrongPIN = "vm-wrong-pin"
        public static let youHave = "vm-you-have"
        public static let newMessages = "vm-new-messages"
        public static let newMessage = "vm-new-message"
        public static let savedMessages = "vm-saved-messages"
        public static let noMessages = "vm-no-messages"
        public static let mainMenu = "vm-main-menu"
        public static let messageMenu = "vm-message-menu"
        public static let noMoreMessages = "vm-no-more-messages"
        public static let deleted = "vm-message-deleted"
        public static let optionsMenu = "vm-options-menu"
        public static let recordGreeting = "vm-record-greeting"
        public static let greetingSaved = "vm-greeting-saved"
        public static let invalid = "invalid-choice"
        public static let goodbye = "goodbye"

        /// `num-0` ... `num-20`; nil above that (the count is then left out).
        public static func number(_ count: Int) -> String? { count <= 20 ? "num-\(count)" : nil }
    }

    private enum State: Sendable, Equatable {
        case idle
        case enteringMailbox(String)
        case enteringPIN(String)
        case checkingPIN
        case loading
        case mainMenu
        case playingMessage(Int)
        case messageMenu(Int)
        case optionsMenu
        case greetingPrompt(Greeting)
        case recordingGreeting(Greeting)
        case ending
    }

    /// The mailbox to open without asking (`*97` from the owner's phone), or nil to ask.
    private var mailbox: String?
    /// The mailbox came with the call (`*97`), it is not asked for.
    private let fixedMailbox: Bool
    private let requiresPIN: Bool
    private var state = State.idle
    private var messages: [Message] = []
    private var wrongPINs = 0
    private var menuTimeouts = 0

    public static let maximumWrongPINs = 3
    public static let keyTimeoutSeconds = 6
    public static let greetingSeconds = 60

    /// - Parameters:
    ///   - mailbox: the caller's own mailbox (`*97`), or nil to ask for the number (`*98`).
    ///   - requiresPIN: whether to ask for the PIN (always for `*98`).
    public init(mailbox: String?, requiresPIN: Bool) {
        self.mailbox = mailbox
        self.fixedMailbox = mailbox != nil
        self.requiresPIN = requiresPIN || mailbox == nil
    }

    public mutating func handle(_ event: Event) -> [Action] {
        switch (state, event) {
        case (.idle, .start):
            if mailbox == nil { return ask(Prompt.enterMailbox, next: .enteringMailbox("")) }
            if requiresPIN { return ask(Prompt.enterPIN, next: .enteringPIN("")) }
            state = .loading
            return [.loadMailbox(mailbox ?? "")]

        case (.enteringMailbox(let digits), .key(let key)):
            return entering(digits, key, done: { $0.collectedMailbox($1) }, next: State.enteringMailbox)
        case (.enteringMailbox(let digits), .timerFired):
            return collectedMailbox(digits)
        case (.enteringPIN(let digits), .key(let key)):
            return entering(digits, key, done: { $0.collectedPIN($1) }, next: State.enteringPIN)
        case (.enteringPIN(let digits), .timerFired):
            return collectedPIN(digits)
        case (.checkingPIN, .pinChecked(let valid)):
            return valid ? loadAfterLogin() : wrongPIN()
        case (.loading, .mailboxLoaded(let loaded)):
            guard let loaded else {
                if fixedMailbox {
                    state = .ending
                    return [.play([Prompt.goodbye]), .hangup(step: "vm-login=no-mailbox")]
                }
                return wrongPIN()
            }
            messages = loaded.sorted { $0.isNew && !$1.isNew }
            return announceCounts()

        case (.mainMenu, .playbackFinished):
            return [.startTimer(seconds: Self.keyTimeoutSeconds)]
        case (.mainMenu, .key(let key)):
            return [.stopPlayback, .cancelTimer] + mainMenu(key)
        case (.mainMenu, .timerFired):
            return menuTimeout(replay: [Prompt.mainMenu])

        case (.playingMessage(let index), .playbackFinished):
            var actions: [Action] = []
            if messages[index].isNew {
                messages[index].isNew = false
                actions.append(.markHeard(id: messages[index].id))
            }
            state = .messageMenu(index)
            return actions + [.play([Prompt.messageMenu])]
        case (.playingMessage(let index), .key(let key)), (.messageMenu(let index), .key(let key)):
            return [.stopPlayback, .cancelTimer] + messageMenu(index, key)
        case (.messageMenu, .playbackFinished):
            return [.startTimer(seconds: Self.keyTimeoutSeconds)]
        case (.messageMenu(let index), .timerFired):
            state = .messageMenu(index)
            return menuTimeout(replay: [Prompt.messageMenu])

        case (.optionsMenu, .playbackFinished):
            return [.startTimer(seconds: Self.keyTimeoutSeconds)]
        case (.optionsMenu, .key(let key)):
            return [.stopPlayback, .cancelTimer] + optionsMenu(key)
        case (.optionsMenu, .timerFired):
            return menuTimeout(replay: [Prompt.optionsMenu])

        case (.greetingPrompt(let greeting), .playbackFinished):
            state = .recordingGreeting(greeting)
            return [.playBeep, .record(maximumSeconds: Self.greetingSeconds)]
        case (.recordingGreeting(let greeting), .recordingStopped(let seconds)):
            state = .optionsMenu
            guard seconds >= 1 else { return [.play([Prompt.invalid, Prompt.optionsMenu])] }
            return [.saveGreeting(greeting), .play([Prompt.greetingSaved, Prompt.optionsMenu])]
        default:
            return []
        }
    }

    // MARK: Login

    private mutating func ask(_ prompt: String, next: State) -> [Action] {
        state = next
        return [.play([prompt]), .startTimer(seconds: Self.keyTimeoutSeconds)]
    }

    /// Digits end with `#` or the timer; each key restarts the timer.
    private mutating func entering(
        _ digits: String, _ key: Character, done: (inout VoicemailMailbox, String) -> [Action], next: (String) -> State
    ) -> [Action] {
        if key == "#" { return [.stopPlayback, .cancelTimer] + done(&self, digits) }
        guard key.isNumber, digits.count < 16 else { return [] }
        state = next(digits + String(key))
        return [.stopPlayback, .startTimer(seconds: Self.keyTimeoutSeconds)]
    }

    private mutating func collectedMailbox(_ digits: String) -> [Action] {
        guard !digits.isEmpty else { return wrongPIN() }
        mailbox = digits
        return ask(Prompt.enterPIN, next: .enteringPIN(""))
    }

    private mutating func collectedPIN(_ digits: String) -> [Action] {
        state = .checkingPIN
        return [.verifyPIN(mailbox: mailbox ?? "", pin: digits)]
    }

    private mutating func loadAfterLogin() -> [Action] {
        state = .loading
        return [.loadMailbox(mailbox ?? "")]
    }

    /// Wrong PIN or unknown mailbox: the same answer, so callers cannot probe which boxes exist.
    private mutating func wrongPIN() -> [Action] {
        wrongPINs += 1
        guard wrongPINs < Self.maximumWrongPINs else {
            state = .ending
            return [.play([Prompt.wrongPIN, Prompt.goodbye]), .hangup(step: "vm-login=failed")]
        }
        if fixedMailbox {
            state = .enteringPIN("")
            return [.play([Prompt.wrongPIN, Prompt.enterPIN]), .startTimer(seconds: Self.keyTimeoutSeconds)]
        }
        mailbox = nil
        state = .enteringMailbox("")
        return [.play([Prompt.wrongPIN, Prompt.enterMailbox]), .startTimer(seconds: Self.keyTimeoutSeconds)]
    }

    // MARK: Menus

    private mutating func announceCounts() -> [Action] {
        state = .mainMenu
        let new = messages.filter(\.isNew).count
        let old = messages.count - new
        var prompts: [String] = []
        if messages.isEmpty {
            prompts = [Prompt.noMessages]
        } else {
            prompts = [Prompt.youHave] + [Prompt.number(new)].compactMap { $0 }
            prompts.append(new == 1 ? Prompt.newMessage : Prompt.newMessages)
            if old > 0 { prompts += [Prompt.number(old)].compactMap { $0 } + [Prompt.savedMessages] }
        }
        return [.play(prompts + [Prompt.mainMenu])]
    }

    private mutating func mainMenu(_ key: Character) -> [Action] {
        menuTimeouts = 0
        switch key {
        case "1":
            guard !messages.isEmpty else { return [.play([Prompt.noMessages, Prompt.mainMenu])] }
            return playMessage(0)
        case "0":
            state = .optionsMenu
            return [.play([Prompt.optionsMenu])]
        case "#":
            state = .ending
            return [.play([Prompt.goodbye]), .hangup(step: "vm-mailbox=exit")]
        default:
            return [.play([Prompt.invalid, Prompt.mainMenu])]
        }
    }

    private mutating func messageMenu(_ index: Int, _ key: Character) -> [Action] {
        menuTimeouts = 0
        switch key {
        case "5": return playMessage(index)
        case "4": return playMessage(max(0, index - 1))
        case "6", "9": return next(after: index)
        case "7":
            let id = messages.remove(at: index).id
            let following = index < messages.count ? playMessage(index) : backToMain(Prompt.noMoreMessages)
            return [.delete(id: id), .play([Prompt.deleted])] + following
        case "#": return backToMain(nil)
        default:
            state = .messageMenu(index)
            return [.play([Prompt.invalid, Prompt.messageMenu])]
        }
    }

    private mutating func next(after index: Int) -> [Action] {
        index + 1 < messages.count ? playMessage(index + 1) : backToMain(Prompt.noMoreMessages)
    }

    private mutating func playMessage(_ index: Int) -> [Action] {
        state = .playingMessage(index)
        return [.playMessage(id: messages[index].id)]
    }

    private mutating func backToMain(_ first: String?) -> [Action] {
        state = .mainMenu
        return [.play((first.map { [$0] } ?? []) + [Prompt.mainMenu])]
    }

    private mutating func optionsMenu(_ key: Character) -> [Action] {
        menuTimeouts = 0
        switch key {
        case "1", "2":
            let greeting: Greeting = key == "1" ? .unavailable : .busy
            state = .greetingPrompt(greeting)
            return [.play([Prompt.recordGreeting])]
        case "#": return backToMain(nil)
        default: return [.play([Prompt.invalid, Prompt.optionsMenu])]
        }
    }

    private mutating func menuTimeout(replay prompts: [String]) -> [Action] {
        menuTimeouts += 1
        guard menuTimeouts < 3 else {
            state = .ending
            return [.play([Prompt.goodbye]), .hangup(step: "vm-mailbox=timeout")]
        }
        return [.play(prompts)]
    }
}
