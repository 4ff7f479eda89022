/// An IVR menu as the control protocol shows it.
public struct MenuInfo: Codable, Sendable, Hashable {
    public var name: String
    /// Prompt name of the greeting (see `vpbx prompt list`).
    public var greeting: String
    /// Key → destination (`ext:1001`, `ivr:sub`, `time:office`, `hangup`).
    public var options: [String: String]
    /// Seconds to wait for a key after the greeting.
    public var timeout: Int
    /// Times the greeting is played before giving up.
    public var attempts: Int
    /// Whether callers may dial extension numbers from the menu.
    public var directDial: Bool
    public var onTimeout: String
    public var onInvalid: String

    public init(
        name: String, greeting: String, options: [String: String], timeout: Int, attempts: Int, directDial: Bool,
        onTimeout: String, onInvalid: String
    ) {
        self.name = name
        self.greeting = greeting
        self.options = options
        self.timeout = timeout
        self.attempts = attempts
        self.directDial = directDial
        self.onTimeout = onTimeout
        self.onInvalid = onInvalid
    }
}
