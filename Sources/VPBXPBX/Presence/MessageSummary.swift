/// The body of a `message-summary` NOTIFY (RFC 3842): whether a mailbox has new voice
/// messages, and how many new and old ones.
public struct MessageSummary: Sendable, Equatable {
    public var newMessages: Int
    public var oldMessages: Int

    public init(newMessages: Int = 0, oldMessages: Int = 0) {
        self.newMessages = newMessages
        self.oldMessages = oldMessages
    }

    public static let contentType = "application/simple-message-summary"

    /// `Messages-Waiting`, `Message-Account` and the `Voice-Message: new/old` line, CRLF ended.
    public func body(account: String) -> String {
        "Messages-Waiting: \(newMessages > 0 ? "yes" : "no")\r\n"
            + "Message-Account: \(account)\r\n"
            + "Voice-Message: \(newMessages)/\(oldMessages)\r\n"
    }
}
