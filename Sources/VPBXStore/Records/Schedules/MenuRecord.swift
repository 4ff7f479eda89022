import GRDB

/// An IVR menu as stored: destinations are text (`ext:1001`) that the engine parses into the
/// PBX's typed model, so the store knows nothing of routing.
public struct MenuRecord: Codable, Sendable, Equatable, Identifiable {
    public var name: String
    /// Prompt name of the greeting.
    public var greeting: String
    /// Key (`0`-`9`, `*`, `#`) → destination text; stored as JSON.
    public var options: [String: String]
    public var timeoutSeconds: Int
    public var attempts: Int
    public var directDial: Bool
    public var timeoutDestination: String
    public var invalidDestination: String

    public var id: String { name }

    public init(
        name: String, greeting: String, options: [String: String] = [:], timeoutSeconds: Int = 5, attempts: Int = 3,
        directDial: Bool = false, timeoutDestination: String = "hangup", invalidDestination: String = "hangup"
    ) {
        self.name = name
        self.greeting = greeting
        self.options = options
        self.timeoutSeconds = timeoutSeconds
        self.attempts = attempts
        self.directDial = directDial
        self.timeoutDestination = timeoutDestination
        self.invalidDestination = invalidDestination
    }

    public func validate() throws {
        let object = "menu \(name)"
        try Validation.objectName(name, field: "menu name")
        try Validation.promptName(greeting, field: "greeting of \(object)")
        for (key, destination) in options {
            guard key.count == 1, "0123456789*#".contains(key) else {
                throw StoreError.invalid("option '\(key)' of \(object) is not a key: use 0-9, * or #")
            }
            try Validation.text(destination, field: "destination of option \(key) of \(object)", maxLength: 100)
        }
        try Validation.range(timeoutSeconds, 1...60, field: "timeout of \(object)", unit: "s")
        try Validation.range(attempts, 1...10, field: "attempts of \(object)")
        try Validation.text(timeoutDestination, field: "timeout destination of \(object)", maxLength: 100)
        try Validation.text(invalidDestination, field: "invalid destination of \(object)", maxLength: 100)
    }

    enum CodingKeys: String, CodingKey {
        case name
        case greeting
        case options
        case timeoutSeconds = "timeout_seconds"
        case attempts
        case directDial = "direct_dial"
        case timeoutDestination = "timeout_destination"
        case invalidDestination = "invalid_destination"
    }
}

extension MenuRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "menus"
}
