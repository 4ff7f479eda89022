import Foundation

/// Where a voicemail message sits: `new` until its owner has heard it, then `old`.
public enum VoicemailFolderKind: String, WireEnum {
    case new, old
}

/// One voicemail message as the control protocol shows it (the audio comes separately,
/// from `voicemail.export`).
public struct VoicemailMessageInfo: Codable, Sendable, Hashable {
    /// Lowercase UUID; also names the WAV file.
    public var id: String
    public var mailbox: String
    /// The caller's number or SIP user; `anonymous` or `unknown` when not known.
    public var caller: String
    public var callerName: String?
    public var receivedAt: Date
    public var durationMilliseconds: Int
    public var folder: VoicemailFolderKind
    /// The CDR id of the call that left it, when known.
    public var callID: String?
    /// Where it is to be emailed (its box's address when it was left); nil: it is not.
    public var emailTo: String?
    /// When the mail command took its email; nil while it is still to be sent (tried again
    /// after a failure) or when it is not to be mailed.
    public var emailedAt: Date?

    public init(
        id: String, mailbox: String, caller: String, callerName: String? = nil, receivedAt: Date,
        durationMilliseconds: Int, folder: VoicemailFolderKind, callID: String? = nil, emailTo: String? = nil,
        emailedAt: Date? = nil
    ) {
        self.id = id
        self.mailbox = mailbox
        self.caller = caller
        self.callerName = callerName
        self.receivedAt = receivedAt
        self.durationMilliseconds = durationMilliseconds
        self.folder = folder
        self.callID = callID
        self.emailTo = emailTo
        self.emailedAt = emailedAt
    }
}

/// A mailbox's messages, newest first, with its counts (`voicemail.list`).
public struct VoicemailMailboxInfo: Codable, Sendable, Hashable {
    public var mailbox: String
    public var enabled: Bool
    public var maxMessageSeconds: Int
    public var newCount: Int
    public var oldCount: Int
    public var messages: [VoicemailMessageInfo]

    public init(
        mailbox: String, enabled: Bool, maxMessageSeconds: Int, newCount: Int, oldCount: Int,
        messages: [VoicemailMessageInfo]
    ) {
        self.mailbox = mailbox
        self.enabled = enabled
        self.maxMessageSeconds = maxMessageSeconds
        self.newCount = newCount
        self.oldCount = oldCount
        self.messages = messages
    }
}

/// A message's audio (`voicemail.export`).
public struct VoicemailAudio: Codable, Sendable, Hashable {
    public var message: VoicemailMessageInfo
    /// The WAV file (8 kHz mono PCM16), base64.
    public var wav: String

    public init(message: VoicemailMessageInfo, wav: String) {
        self.message = message
        self.wav = wav
    }
}
