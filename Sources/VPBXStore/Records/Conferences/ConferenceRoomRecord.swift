import GRDB

/// The settings of a conference room (`conf:NAME`). A room needs none to work: a route to
/// `conf:NAME` makes it when the first caller comes, open to anyone who reaches the route.
/// A record adds a PIN callers must key in and a limit on how many may be in it at once, and
/// a leader (Asterisk ConfBridge's marked user): whoever keys the leader PIN leads the room,
/// may mute the others and lock it, and the room may wait for and end with its leader.
public struct ConferenceRoomRecord: Codable, Sendable, Equatable, Identifiable {
    /// The room's name, as in `conf:NAME`.
    public var name: String
    /// Digits a caller keys in (followed by `#`) before joining; nil: no PIN asked.
    public var pin: String?
    /// Callers in the room at once beyond which others are told it is full; nil: no limit.
    public var maximumParticipants: Int?
    /// Digits that make the caller keying them the room's leader; nil: the room has none.
    public var leaderPIN: String?
    /// Callers wait (hearing music, unheard) until a leader is in the room.
    public var waitForLeader: Bool
    /// When the last leader leaves, the others are told the conference ended and hung up.
    public var endWithLeader: Bool
    /// The room is recorded: one recording of its mix from its first caller to its last,
    /// under the engine's retention and audit (in stop 60 each caller's call was its own).
    public var recordCalls: Bool

    public var id: String { name }

    public init(
        name: String, pin: String? = nil, maximumParticipants: Int? = nil, leaderPIN: String? = nil,
        waitForLeader: Bool = false, endWithLeader: Bool = false, recordCalls: Bool = false
    ) {
        self.recordCalls = recordCalls
        self.name = name
        self.pin = pin
        self.maximumParticipants = maximumParticipants
        self.leaderPIN = leaderPIN
        self.waitForLeader = waitForLeader
        self.endWithLeader = endWithLeader
    }

    public func validate() throws {
        try Validation.objectName(name, field: "conference room name")
        // Keyed on a phone: digits only, and long enough not to be guessed in a few calls.
        for (value, what) in [(pin, "PIN"), (leaderPIN, "leader PIN")] {
            guard let value else { continue }
            guard (4...12).contains(value.count), value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw StoreError.invalid("the \(what) of conference room \(name) must be 4 to 12 digits")
            }
        }
        if let pin, pin == leaderPIN {
            throw StoreError.invalid("the leader PIN of conference room \(name) must differ from its PIN")
        }
        if leaderPIN == nil, waitForLeader || endWithLeader {
            throw StoreError.invalid(
                "conference room \(name) cannot wait for or end with a leader without a leader PIN")
        }
        if let maximumParticipants {
            try Validation.range(maximumParticipants, 2...500, field: "participant limit of conference room \(name)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, pin
        case maximumParticipants = "maximum_participants"
        case leaderPIN = "leader_pin"
        case waitForLeader = "wait_for_leader"
        case endWithLeader = "end_with_leader"
        case recordCalls = "record_calls"
    }
}

extension ConferenceRoomRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "conference_rooms"
}
