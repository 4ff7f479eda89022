import Foundation
import Synchronization
import VPBXMedia

/// The engine's conference rooms, made when the first caller dials in and gone with the
/// last, as Asterisk's ConfBridge rooms are: a route to `conf:sales` is all a room needs.
/// Settings (a PIN, a limit) are the dial plan's (``ConferenceRoomSettings``).
public final class ConferenceRooms: Sendable {
    /// A room as `conference.list` shows it.
    public struct Room: Sendable, Equatable {
        public var name: String
        /// Who is in it (the callers' numbers), in the order they came.
        public var participants: [String]
        /// Those of them nobody hears now (muted by themselves or by a moderator).
        public var muted: [String] = []
    }

    private struct Entry {
        let mixer: ConferenceMixer
        var participants: [(port: ConferencePort, caller: String)] = []
    }

    private let rooms = Mutex<[String: Entry]>([:])

    public init() {}

    /// Joins `caller` to room `name`, making the room if it has nobody in it (with
    /// `waitingMusic` for a caller alone in it). Nil when the room holds `limit` callers
    /// already (checked and joined under one lock, so two callers cannot both take the last
    /// place).
    public func join(
        _ name: String, caller: String, limit: Int? = nil, waitingMusic: @autoclosure () -> [Int16] = []
    ) -> ConferencePort? {
        rooms.withLock { rooms in
            if let limit, let entry = rooms[name], entry.participants.count >= limit { return nil }
            var entry = rooms[name] ?? Entry(mixer: ConferenceMixer(waitingMusic: waitingMusic()))
            let port = entry.mixer.join()
            entry.participants.append((port, caller))
            rooms[name] = entry
            return port
        }
    }

    /// The participant on `port` leaves room `name`; the room goes with its last participant.
    public func leave(_ name: String, _ port: ConferencePort) {
        port.leave()
        rooms.withLock { rooms in
            guard var entry = rooms[name] else { return }
            entry.participants.removeAll { $0.port.id == port.id }
            rooms[name] = entry.participants.isEmpty ? nil : entry
        }
    }

    /// The rooms with somebody in them, by name.
    public var list: [Room] {
        rooms.withLock { rooms in
            rooms.map { name, entry in
                Room(
                    name: name, participants: entry.participants.map(\.caller),
                    muted: entry.participants.filter { $0.port.isMuted }.map(\.caller))
            }.sorted { $0.name < $1.name }
        }
    }

    /// A moderator mutes (or unmutes) the participants of room `name` calling from `caller`
    /// (one, unless the same number dialled in twice): nobody hears them, they still hear
    /// the room. Returns the room afterwards; nil when nobody of that number is in it.
    public func setMuted(_ muted: Bool, caller: String, in name: String) -> Room? {
        rooms.withLock { rooms in
            guard let entry = rooms[name] else { return nil }
            let matching = entry.participants.filter { $0.caller == caller }
            guard !matching.isEmpty else { return nil }
            for participant in matching { participant.port.setMuted(muted, telling: true) }
            return Room(
                name: name, participants: entry.participants.map(\.caller),
                muted: entry.participants.filter { $0.port.isMuted }.map(\.caller))
        }
    }
}

/// What a conference room asks of its callers (`vpbx conf add`); a room without settings is
/// open to anyone a route brings to it.
public struct ConferenceRoomSettings: Sendable, Equatable {
    /// Keyed in before joining, followed by `#`; nil: none asked.
    public var pin: String?
    /// Callers in the room at once; nil: no limit.
    public var maximumParticipants: Int?

    public init(pin: String? = nil, maximumParticipants: Int? = nil) {
        self.pin = pin
        self.maximumParticipants = maximumParticipants
    }
}
