/// Who may read voicemail: administrators and supervisors; agents not (yet: their own box
/// comes with the agent console).
extension Set where Element == Role {
    static var voicemailReaders: Set<Role> { [.admin, .supervisor] }
}

/// Params naming one mailbox (an extension number).
public struct MailboxRef: Codable, Sendable, Hashable {
    public var mailbox: String
    public init(mailbox: String) { self.mailbox = mailbox }
}

/// Params naming one voicemail message.
public struct VoicemailMessageRef: Codable, Sendable, Hashable {
    /// The message id (a UUID).
    public var id: String
    public init(id: String) { self.id = id }
}

/// `voicemail.list`.
public enum VoicemailList: RPCMethod {
    public static let name = "voicemail.list"
    public static let summary = "A mailbox's messages, newest first, with its new and old counts."
    public static let allowedRoles: Set<Role> = .voicemailReaders
    public typealias Params = MailboxRef
    public typealias Result = VoicemailMailboxInfo
}

/// `voicemail.get`.
public enum VoicemailGet: RPCMethod {
    public static let name = "voicemail.get"
    public static let summary = "One voicemail message by id."
    public static let allowedRoles: Set<Role> = .voicemailReaders
    public typealias Params = VoicemailMessageRef
    public typealias Result = VoicemailMessageInfo
}

/// `voicemail.export`.
public enum VoicemailExport: RPCMethod {
    public static let name = "voicemail.export"
    public static let summary = "A voicemail message with its audio: a WAV file (8 kHz mono PCM16), base64."
    public static let allowedRoles: Set<Role> = .voicemailReaders
    public typealias Params = VoicemailMessageRef
    public typealias Result = VoicemailAudio
}

/// `voicemail.delete`: returns the message as it was.
public enum VoicemailDelete: RPCMethod {
    public static let name = "voicemail.delete"
    public static let summary = "Delete a voicemail message and its audio."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = VoicemailMessageRef
    public typealias Result = VoicemailMessageInfo
}

/// `voicemail.markHeard`: moves a message to `old`, as listening to it on the phone does.
public enum VoicemailMarkHeard: RPCMethod {
    public static let name = "voicemail.markHeard"
    public static let summary = "Mark a voicemail message as heard (folder old); the phone's message light follows."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = VoicemailMessageRef
    public typealias Result = VoicemailMessageInfo
}
