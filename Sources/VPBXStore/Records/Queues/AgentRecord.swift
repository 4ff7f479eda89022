import GRDB

/// A call-center agent: the number they log in with and a display name. Queue membership
/// lives on the queues (``QueueMemberRecord``).
///
/// The store never sees a PIN: the engine keeps a salted, iterated hash of it, the same
/// self-describing format as voicemail PINs.
public struct AgentRecord: Codable, Sendable, Equatable, Identifiable {
    /// The agent number, the key (`vpbx agent login 2001`): 2 to 15 digits.
    public var number: String
    public var name: String
    /// The login PIN's hash; nil when the agent has no PIN.
    public var pinHash: String?
    /// The Unix user who is this agent at a console (`vpbx-tui`): the engine learns a
    /// console's user from the socket (SO_PEERCRED) and so which agent it may act for.
    /// At most one agent per user; nil: no console user is this agent.
    public var unixUser: String?

    public var id: String { number }

    public init(number: String, name: String, pinHash: String? = nil, unixUser: String? = nil) {
        self.number = number
        self.name = name
        self.pinHash = pinHash
        self.unixUser = unixUser
    }

    /// Checks every field; throws ``StoreError`` of kind `invalidArgument` naming the first bad one.
    public func validate() throws {
        try Validation.extensionNumber(number, field: "agent number")
        try Validation.text(name, field: "name of agent \(number)", maxLength: 100)
        if let pinHash {
            try Validation.text(pinHash, field: "PIN hash of agent \(number)", maxLength: 200)
        }
        if let unixUser {
            try Validation.unixUserName(unixUser, field: "Unix user of agent \(number)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case number
        case name
        case pinHash = "pin_hash"
        case unixUser = "unix_user"
    }
}

extension AgentRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "agents"

    /// The columns the repositories query (GRDB requires the type to be public).
    public enum Columns {
        public static let number = Column(CodingKeys.number)
        public static let unixUser = Column(CodingKeys.unixUser)
    }
}
