/// `conference.create`: settings for a conference room (`conf:NAME`).
public enum ConferenceCreate: RPCMethod {
    public static let name = "conference.create"
    public static let summary =
        "Give a conference room (conf:NAME) a PIN callers key in, a participant limit and/or a leader PIN (waiting for and ending with the leader)."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = ConferenceParams
    public typealias Result = ConferenceInfo
}

/// `conference.update`.
public enum ConferenceUpdate: RPCMethod {
    public static let name = "conference.update"
    public static let summary =
        "Change a conference room's settings; absent fields are kept, \"\" clears a PIN, 0 the limit."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = ConferenceParams
    public typealias Result = ConferenceInfo
}

/// `conference.delete`: the room is open again (no PIN, no limit); callers in it stay.
public enum ConferenceDelete: RPCMethod {
    public static let name = "conference.delete"
    public static let summary =
        "Remove a conference room's settings: it is open to anyone a route brings again; callers in it stay."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = ConferenceRef
    public typealias Result = ConferenceInfo
}

/// `conference.mute`: a moderator mutes or unmutes a participant of a room in use.
public enum ConferenceMute: RPCMethod {
    public static let name = "conference.mute"
    public static let summary =
        "Mute (or unmute) a conference participant, by the number it calls from, or everyone but the leaders: nobody hears them, they still hear the room."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = ConferenceMuteParams
    public typealias Result = ConferenceInfo
}

/// `conference.mute`'s params: the room, the participant's number (or `everyone`), mute or
/// unmute.
public struct ConferenceMuteParams: Codable, Sendable, Hashable {
    public var name: String
    /// The number the participant calls from; nil with `everyone`.
    public var participant: String?
    public var muted: Bool
    /// Every participant who is no leader (ConfBridge's `admin_toggle_mute_participants`,
    /// as a leader's `1`; since stop 61).
    public var everyone: Bool?

    public init(name: String, participant: String?, muted: Bool, everyone: Bool? = nil) {
        self.name = name
        self.participant = participant
        self.muted = muted
        self.everyone = everyone
    }
}

/// `conference.lock`: a supervisor locks a room in use (nobody but a leader comes in) or
/// unlocks it, as a leader's `2` does.
public enum ConferenceLock: RPCMethod {
    public static let name = "conference.lock"
    public static let summary =
        "Lock (or unlock) a conference room in use: callers who are no leaders are told it is locked and hung up."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = ConferenceLockParams
    public typealias Result = ConferenceInfo
}

/// `conference.lock`'s params: the room, and lock or unlock.
public struct ConferenceLockParams: Codable, Sendable, Hashable {
    public var name: String
    public var locked: Bool

    public init(name: String, locked: Bool) {
        self.name = name
        self.locked = locked
    }
}

/// Params naming one conference room.
public struct ConferenceRef: Codable, Sendable, Hashable {
    public var name: String
    public init(name: String) { self.name = name }
}

/// A conference room's settings as given; nil fields are left as they are.
public struct ConferenceParams: Codable, Sendable, Hashable {
    public var name: String
    /// 4 to 12 digits; "" clears it.
    public var pin: String?
    /// 2 to 500; 0 clears it.
    public var maximumParticipants: Int?
    /// 4 to 12 digits making the caller a leader (since stop 57); "" clears it.
    public var leaderPIN: String?
    /// Callers wait for a leader (music, unheard); needs a leader PIN.
    public var waitForLeader: Bool?
    /// The last leader leaving ends the conference for the others; needs a leader PIN.
    public var endWithLeader: Bool?
    /// Record the room: one recording of its mix (since stop 60; one a caller in stop 60).
    public var recordCalls: Bool?

    public init(
        name: String, pin: String? = nil, maximumParticipants: Int? = nil, leaderPIN: String? = nil,
        waitForLeader: Bool? = nil, endWithLeader: Bool? = nil, recordCalls: Bool? = nil
    ) {
        self.recordCalls = recordCalls
        self.name = name
        self.pin = pin
        self.maximumParticipants = maximumParticipants
        self.leaderPIN = leaderPIN
        self.waitForLeader = waitForLeader
        self.endWithLeader = endWithLeader
    }
}
