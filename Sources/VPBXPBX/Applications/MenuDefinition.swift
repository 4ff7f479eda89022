/// An IVR menu as the administrator configured it: a greeting, what each key does, and what
/// happens when the caller presses nothing or something wrong (Asterisk's Background/WaitExten
/// with `t` and `i` extensions; FreePBX's IVR module).
public struct MenuDefinition: Sendable, Hashable {
    public var name: String
    /// The prompt played (and replayed) as the menu: a prompt name of the prompt library.
    public var greeting: String
    /// One key (`0`-`9`, `*`, `#`) → where it goes.
    public var options: [Character: Destination]
    /// Seconds to wait for a key after the greeting ends.
    public var timeoutSeconds: Int
    /// How many times the greeting is played (first time included) before giving up.
    public var attempts: Int
    /// Whether callers may dial an extension number from the menu.
    public var directDial: Bool
    /// Where the call goes when the caller never presses a key; `hangup` says goodbye first.
    public var onTimeout: Destination
    /// Where the call goes after too many invalid keys.
    public var onInvalid: Destination

    public static let defaultTimeoutSeconds = 5
    public static let defaultAttempts = 3
    /// Seconds between digits of a directly dialled extension number.
    public static let interDigitSeconds = 2

    public init(
        name: String, greeting: String, options: [Character: Destination] = [:],
        timeoutSeconds: Int = MenuDefinition.defaultTimeoutSeconds, attempts: Int = MenuDefinition.defaultAttempts,
        directDial: Bool = false, onTimeout: Destination = .hangup, onInvalid: Destination = .hangup
    ) {
        self.name = name
        self.greeting = greeting
        self.options = options
        self.timeoutSeconds = timeoutSeconds
        self.attempts = attempts
        self.directDial = directDial
        self.onTimeout = onTimeout
        self.onInvalid = onInvalid
    }

    /// The keys a menu option may use.
    public static let keys: Set<Character> = Set("0123456789*#")
}
