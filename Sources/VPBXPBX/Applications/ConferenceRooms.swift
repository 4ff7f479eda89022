import Foundation
import Synchronization
import VPBXMedia

/// The engine's conference rooms, made when the first caller dials in and gone with the
/// last, as Asterisk's ConfBridge rooms are: a route to `conf:sales` is all a room needs.
/// Settings (a PIN, a limit, a leader) are the dial plan's (``ConferenceRoomSettings``).
///
/// A room with a leader PIN has leaders (ConfBridge's marked users): a leader may mute the
/// others and lock the room; a room that waits for its leader holds the others apart
/// (music, unheard) until one is in, and one that ends with its leader tells the others
/// when the last leader leaves (their application says so and hangs up).
public final class ConferenceRooms: Sendable {
    /// A room as `conference.list` shows it.
    public struct Room: Sendable, Equatable {
        public var name: String
        /// Who is in it (the callers' numbers), in the order they came.
        public var participants: [String]
        /// Those of them nobody hears now (muted by themselves or by a moderator).
        public var muted: [String] = []
        /// Those who came in with the leader PIN.
        public var leaders: [String] = []
        /// Those waiting for a leader (music, unheard).
        public var waiting: [String] = []
        /// A leader locked it: nobody but a leader comes in.
        public var locked = false

        public init(
            name: String, participants: [String], muted: [String] = [], leaders: [String] = [], waiting: [String] = [],
            locked: Bool = false
        ) {
            self.name = name
            self.participants = participants
            self.muted = muted
            self.leaders = leaders
            self.waiting = waiting
            self.locked = locked
        }
    }

    /// What a caller asking to come in gets.
    public enum Admission: Sendable {
        case joined(ConferencePort)
        /// The room holds its limit already.
        case full
        /// A leader locked it.
        case locked
    }

    private struct Participant {
        let port: ConferencePort
        let caller: String
        let isLeader: Bool
        /// Tells the participant's application the room ended (its last leader left).
        let ended: @Sendable () -> Void
    }

    private struct Entry {
        let mixer: ConferenceMixer
        var participants: [Participant] = []
        var locked = false
        /// Participants a leader removed, told to leave (their application asks, and says so).
        var removed: Set<Int> = []
        /// The settings the last caller came in under (the dial plan's, which may change).
        var settings = ConferenceRoomSettings()
        /// The room's recorder's port while it is recorded (``RoomRecorder``): it leaves with
        /// the last caller, which ends the recording.
        var recording: ConferencePort?

        var hasLeader: Bool { participants.contains { $0.isLeader } }

        func snapshot(_ name: String) -> Room {
            Room(
                name: name, participants: participants.map(\.caller),
                muted: participants.filter { $0.port.isMuted }.map(\.caller),
                leaders: participants.filter(\.isLeader).map(\.caller),
                waiting: participants.filter { $0.port.isWaiting }.map(\.caller), locked: locked)
        }
    }

    private let rooms = Mutex<[String: Entry]>([:])
    private let recorder = Mutex<RoomRecorder?>(nil)

    public init() {}

    /// Who records the rooms whose settings ask for it (``ConferenceRoomSettings/recordCalls``);
    /// nil (the default): no room is recorded.
    public func setRecorder(_ recorder: RoomRecorder?) {
        self.recorder.withLock { $0 = recorder }
    }

    /// Lets `caller` into room `name` under `settings`, making the room if it has nobody in
    /// it (with `waitingMusic` for a caller alone or waiting in it): checked and joined under
    /// one lock, so two callers cannot both take the last place. A leader lets the waiting
    /// in; a caller of a room that waits for its leader, with none there, waits.
    public func admit(
        _ name: String, caller: String, asLeader: Bool = false, settings: ConferenceRoomSettings? = nil,
        waitingMusic: @autoclosure () -> [Int16] = [], ended: @escaping @Sendable () -> Void = {}
    ) -> Admission {
        let recorder = settings?.recordCalls == true ? self.recorder.withLock { $0 } : nil
        var startsRecording: ConferencePort?
        let admission = rooms.withLock { rooms -> Admission in
            var entry = rooms[name] ?? Entry(mixer: ConferenceMixer(waitingMusic: waitingMusic()))
            if entry.locked, !asLeader { return .locked }
            if let limit = settings?.maximumParticipants, entry.participants.count >= limit { return .full }
            entry.settings = settings ?? ConferenceRoomSettings()
            if recorder != nil, entry.recording == nil {
                // Before the caller joins: the recording hears the room from its first caller.
                entry.recording = entry.mixer.listen()
                startsRecording = entry.recording
            }
            let port = entry.mixer.join()
            if asLeader {
                for participant in entry.participants { participant.port.setWaiting(false) }
            } else if entry.settings.waitForLeader, !entry.hasLeader {
                port.setWaiting(true)
            }
            entry.participants.append(Participant(port: port, caller: caller, isLeader: asLeader, ended: ended))
            rooms[name] = entry
            return .joined(port)
        }
        if let recorder, let startsRecording {
            recorder.start(room: name, listener: startsRecording, openedBy: caller) { [weak self] in
                self?.forgetRecording(startsRecording, of: name)
            }
        }
        return admission
    }

    /// A recording that could not start is no longer the room's, so the next caller's
    /// admission starts another.
    private func forgetRecording(_ listener: ConferencePort, of name: String) {
        rooms.withLock { rooms in
            if rooms[name]?.recording?.id == listener.id { rooms[name]?.recording = nil }
        }
    }

    /// Whether room `name` is being recorded as one file now.
    public func isRecorded(_ name: String) -> Bool {
        rooms.withLock { $0[name]?.recording != nil }
    }

    /// An ordinary caller of an open room (no leader, no lock): its port, or nil when the
    /// room holds `limit` callers already.
    public func join(
        _ name: String, caller: String, limit: Int? = nil, waitingMusic: @autoclosure () -> [Int16] = []
    ) -> ConferencePort? {
        let settings = ConferenceRoomSettings(maximumParticipants: limit)
        guard case .joined(let port) = admit(name, caller: caller, settings: settings, waitingMusic: waitingMusic())
        else { return nil }
        return port
    }

    /// The participant on `port` leaves room `name`; the room goes with its last participant.
    /// The last leader leaving ends the room for the others (``ConferenceRoomSettings/endWithLeader``)
    /// or has them wait again (``ConferenceRoomSettings/waitForLeader``), and unlocks it.
    public func leave(_ name: String, _ port: ConferencePort) {
        port.leave()
        rooms.withLock { rooms in
            guard var entry = rooms[name] else { return }
            let wasLeader = entry.participants.contains { $0.port.id == port.id && $0.isLeader }
            entry.participants.removeAll { $0.port.id == port.id }
            entry.removed.remove(port.id)
            if wasLeader, !entry.hasLeader {
                entry.locked = false
                for participant in entry.participants {
                    if entry.settings.endWithLeader {
                        participant.ended()
                    } else if entry.settings.waitForLeader {
                        participant.port.setWaiting(true)
                    }
                }
            }
            if entry.participants.isEmpty {
                entry.recording?.leave()
                rooms[name] = nil
            } else {
                rooms[name] = entry
            }
        }
    }

    /// How many are in room `name` now (0: nobody, the room does not exist).
    public func participantCount(of name: String) -> Int {
        rooms.withLock { $0[name]?.participants.count ?? 0 }
    }

    /// The rooms with somebody in them, by name.
    public var list: [Room] {
        rooms.withLock { rooms in rooms.map { name, entry in entry.snapshot(name) }.sorted { $0.name < $1.name } }
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
            return entry.snapshot(name)
        }
    }

    /// A moderator mutes (or unmutes) every participant of room `name` who is no leader, as a
    /// leader's `1` does (each hears its beeps). The room afterwards; nil when nobody is in it.
    public func setMutedEveryone(_ muted: Bool, in name: String) -> Room? {
        rooms.withLock { rooms in
            guard let entry = rooms[name] else { return nil }
            for participant in entry.participants where !participant.isLeader && participant.port.isMuted != muted {
                participant.port.setMuted(muted, telling: true)
            }
            return entry.snapshot(name)
        }
    }

    /// A supervisor locks (or unlocks) room `name` from outside it (`conference.lock`): the
    /// room afterwards, nil when nobody is in it (an empty room is gone, and so is its lock).
    public func setLocked(_ locked: Bool, in name: String) -> Room? {
        rooms.withLock { rooms in
            guard var entry = rooms[name] else { return nil }
            entry.locked = locked
            rooms[name] = entry
            return entry.snapshot(name)
        }
    }

    /// A leader's key: mutes every participant who is no leader, or, when all of them are
    /// muted already, unmutes them all (each hears its beeps). The new state: true when
    /// muted; nil when `port` is no leader of room `name`.
    public func toggleOthersMuted(by port: ConferencePort, in name: String) -> Bool? {
        rooms.withLock { rooms in
            guard let entry = rooms[name], entry.participants.contains(where: { $0.port.id == port.id && $0.isLeader })
            else { return nil }
            let others = entry.participants.filter { !$0.isLeader }
            let mute = !others.allSatisfy { $0.port.isMuted }
            for participant in others where participant.port.isMuted != mute {
                participant.port.setMuted(mute, telling: true)
            }
            return mute
        }
    }

    /// A leader's key: the participant who came in last, of those who lead nothing, is told
    /// to leave (ConfBridge's `admin_kick_last`): its application says `conf-removed` and
    /// hangs up. Its number; nil when `port` is no leader of room `name` or nobody else is in
    /// it who leads nothing.
    public func removeLast(by port: ConferencePort, in name: String) -> String? {
        rooms.withLock { rooms in
            guard var entry = rooms[name], entry.participants.contains(where: { $0.port.id == port.id && $0.isLeader }),
                let last = entry.participants.last(where: { !$0.isLeader && !entry.removed.contains($0.port.id) })
            else { return nil }
            entry.removed.insert(last.port.id)
            rooms[name] = entry
            last.ended()
            return last.caller
        }
    }

    /// Whether the participant on `port` was removed by a leader (rather than the room
    /// ending with its leader).
    public func wasRemoved(_ port: ConferencePort, from name: String) -> Bool {
        rooms.withLock { $0[name]?.removed.contains(port.id) ?? false }
    }

    /// A leader's key: locks room `name` (nobody but a leader comes in) or unlocks it. The
    /// new state; nil when `port` is no leader of it.
    public func toggleLocked(by port: ConferencePort, in name: String) -> Bool? {
        rooms.withLock { rooms in
            guard var entry = rooms[name], entry.participants.contains(where: { $0.port.id == port.id && $0.isLeader })
            else { return nil }
            entry.locked.toggle()
            rooms[name] = entry
            return entry.locked
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
    /// Keyed in instead of the PIN (or, without a PIN, instead of `#` alone), it makes the
    /// caller a leader; nil: the room has no leaders.
    public var leaderPIN: String?
    /// Callers wait for a leader: music, unheard, hearing nobody.
    public var waitForLeader: Bool
    /// The last leader leaving ends the conference for the others.
    public var endWithLeader: Bool
    /// The room is recorded: one file of its mix from the first caller to the last
    /// (``RoomRecorder``), while the engine records.
    public var recordCalls: Bool

    public init(
        pin: String? = nil, maximumParticipants: Int? = nil, leaderPIN: String? = nil, waitForLeader: Bool = false,
        endWithLeader: Bool = false, recordCalls: Bool = false
    ) {
        self.recordCalls = recordCalls
        self.pin = pin
        self.maximumParticipants = maximumParticipants
        self.leaderPIN = leaderPIN
        self.waitForLeader = waitForLeader
        self.endWithLeader = endWithLeader
    }
}
