import GRDB

/// The settings of a conference room (`conf:NAME`). A room needs none to work: a route to
/// `conf:NAME` makes it when the first caller comes, open to anyone who reaches the route.
/// A record adds a PIN callers must key in and a limit on how many may be in it at once.
public struct ConferenceRoomRecord: Codable, Sendable, Equatable, Identifiable {
    /// The room's name, as in `conf:NAME`.
    public var name: String
    /// Digits a caller keys in (followed by `#`) before joining; nil: no PIN asked.
    public var pin: String?
    /// Callers in the room at once beyond which others are told it is full; nil: no limit.
    public var maximumParticipants: Int?

    public var id: String { name }

    public init(name: String, pin: String? = nil, maximumParticipants: Int? = nil) {
        self.name = name
        self.pin = pin
        self.maximumParticipants = maximumParticipants
    }

    public func validate() throws {
        try Validation.objectName(name, field: "conference room name")
        if let pin {
            // Keyed on a phone: digits only, and long enough not to be guessed in a few calls.
            guard (4...12).contains(pin.count), pin.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw StoreError.invalid("the PIN of conference room \(name) must be 4 to 12 digits")
            }
        }
        if let maximumParticipants {
            try Validation.range(maximumParticipants, 2...500, field: "participant limit of conference room \(name)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, pin
        case maximumParticipants = "maximum_participants"
    }
}

extension ConferenceRoomRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "conference_rooms"
}
