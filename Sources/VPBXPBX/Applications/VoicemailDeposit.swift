/// A caller leaving a message: the mailbox's greeting (busy or unavailable, the owner's own
/// recording or the default prompt), the beep, the recording, and what happens to it. A state
/// machine fed by the media application; it keeps no audio itself.
public struct VoicemailDeposit: Sendable {
    public enum Reason: String, Sendable { case busy, unavailable }

    public struct Settings: Sendable, Equatable {
        public var mailbox: String
        /// The owner's recorded greeting for this reason, if any (a file the prompt library
        /// resolves); nil: the default prompts.
        public var customGreeting: String?
        public var maximumSeconds: Int
        /// Messages shorter than this are discarded (a caller who hung up at the beep).
        public var minimumSeconds: Double

        public init(
            mailbox: String, customGreeting: String? = nil, maximumSeconds: Int = 180, minimumSeconds: Double = 1
        ) {
            self.mailbox = mailbox
            self.customGreeting = customGreeting
            self.maximumSeconds = maximumSeconds
            self.minimumSeconds = minimumSeconds
        }
    }

    public enum Event: Sendable, Equatable {
        case start
        case playbackFinished
        case key(Character)
        /// The recorder stopped: how long the message is, and whether the caller is still there.
        case recordingStopped(seconds: Double, callerHungUp: Bool)
    }

    public enum Action: Sendable, Equatable {
        /// Play prompts; `bargeIn` keys stop them.
        case play([String], bargeIn: Bool)
        case stopPlayback
        case playBeep
        /// Record until `#`, silence or the limit.
        case record(maximumSeconds: Int)
        /// Keep the recording as a new message (the application writes the WAV and the row).
        case save
        /// Throw the recording away.
        case discard
        /// End the call, after the `play` before it has run to its end (if any).
        case hangup(step: String)
    }

    public enum Prompt {
        public static let unavailable = "vm-unavailable"
        public static let busy = "vm-busy"
        public static let leaveMessage = "vm-leave-message"
        public static let saved = "vm-message-recorded"
        public static let goodbye = "goodbye"
    }

    private enum State: Sendable, Equatable { case idle, greeting, beep, recording, done }

    public let settings: Settings
    public let reason: Reason
    private var state = State.idle

    public init(settings: Settings, reason: Reason) {
        self.settings = settings
        self.reason = reason
    }

    public mutating func handle(_ event: Event) -> [Action] {
        switch (state, event) {
        case (.idle, .start):
            state = .greeting
            let greeting = settings.customGreeting ?? (reason == .busy ? Prompt.busy : Prompt.unavailable)
            return [.play([greeting, Prompt.leaveMessage], bargeIn: true)]
        case (.greeting, .key("#")):
            // '#' skips the greeting, as on most voicemail systems.
            state = .beep
            return [.stopPlayback, .playBeep]
        case (.greeting, .playbackFinished):
            state = .beep
            return [.playBeep]
        case (.beep, .playbackFinished):
            state = .recording
            return [.record(maximumSeconds: settings.maximumSeconds)]
        case (.recording, .recordingStopped(let seconds, let callerHungUp)):
            state = .done
            let step = "vm:\(settings.mailbox)"
            guard seconds >= settings.minimumSeconds else {
                return [.discard, .hangup(step: "\(step)=empty")]
            }
            if callerHungUp { return [.save, .hangup(step: "\(step)=left")] }
            return [.save, .play([Prompt.saved, Prompt.goodbye], bargeIn: false), .hangup(step: "\(step)=left")]
        default:
            return []
        }
    }
}
