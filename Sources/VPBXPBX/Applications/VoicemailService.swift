import Foundation

/// What the voicemail call flows (``VoicemailDeposit``, ``VoicemailMailbox``, MWI) need from
/// the engine: mailbox settings, the PIN check, messages and their audio, greetings. The
/// engine implements it over the store and the files (`EngineVoicemail`); tests use fakes.
/// Audio is always 8 kHz mono PCM16.
public protocol VoicemailService: Sendable {
    /// The box of extension `number`, or nil when it has none.
    func mailbox(_ number: String) async throws -> VoicemailSettings?
    /// Whether `pin` opens the box; false for an unknown box (no way to tell the two apart).
    func verifyPIN(mailbox: String, pin: String) async throws -> Bool
    /// The messages of a box, newest first (the mailbox menu puts new ones first itself).
    func messages(mailbox: String) async throws -> [VoicemailMailbox.Message]
    /// A message's audio, or nil when the message (or its file) is gone.
    func audio(messageID: String) async throws -> [Int16]?
    /// Keeps a new message: the file first (durably), then the row, so an accepted message
    /// is never lost. Throws (before writing anything) when the box does not exist or is
    /// switched off, and when either write fails (disk full, store down); a file whose row
    /// was refused for good is removed, one whose row hit a store failure is kept for
    /// recovery at the next start.
    func store(
        mailbox: String, caller: String, callerName: String?, callID: String?, samples: [Int16], receivedAt: Date
    ) async throws
    /// A new message was heard to its end: it becomes old.
    func markHeard(messageID: String) async throws
    /// Deletes a message, row and file.
    func delete(messageID: String) async throws
    /// Stores the owner's greeting, replacing the previous one.
    func saveGreeting(mailbox: String, kind: VoicemailMailbox.Greeting, samples: [Int16]) async throws
    /// The owner's greeting, or nil to play the default prompts.
    func greeting(mailbox: String, kind: VoicemailMailbox.Greeting) async throws -> [Int16]?
    /// New and old message counts (MWI's `Voice-Message: new/old`).
    func counts(mailbox: String) async throws -> (new: Int, old: Int)
}

/// A mailbox's settings as the call flows see them (never the PIN).
public struct VoicemailSettings: Sendable, Equatable {
    public var mailbox: String
    /// A disabled box takes no new messages; its owner can still listen to the old ones.
    public var enabled: Bool
    public var maximumMessageSeconds: Int

    public init(mailbox: String, enabled: Bool, maximumMessageSeconds: Int) {
        self.mailbox = mailbox
        self.enabled = enabled
        self.maximumMessageSeconds = maximumMessageSeconds
    }
}
