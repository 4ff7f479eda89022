import Foundation

/// `registration.list`.
public enum RegistrationList: RPCMethod {
    public static let name = "registration.list"
    public static let summary = "Registered contacts, of all extensions or of one."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Result = [RegistrationInfo]

    public struct Params: Codable, Sendable, Hashable {
        /// Only this extension's contacts.
        public var number: String?
        public init(number: String? = nil) { self.number = number }
    }
}

/// `call.list`.
public enum CallList: RPCMethod {
    public static let name = "call.list"
    public static let summary = "Calls in progress."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = [CallInfo]
}

/// `call.hangup`.
public enum CallHangup: RPCMethod {
    public static let name = "call.hangup"
    public static let summary = "End a call in progress (all its legs)."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Result = Acknowledged

    public struct Params: Codable, Sendable, Hashable {
        public var id: String
        public init(id: String) { self.id = id }
    }
}

/// `call.pickup`: a ringing call rings another extension instead (directed pickup).
public enum CallPickup: RPCMethod {
    public static let name = "call.pickup"
    public static let summary =
        "Pick up a ringing call to an extension: it stops ringing where it rings and rings there; a parked call rings there too (parked again if nobody answers)."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Result = Acknowledged

    public struct Params: Codable, Sendable, Hashable {
        public var id: String
        public var `extension`: String
        public init(id: String, extension: String) {
            self.id = id
            self.extension = `extension`
        }
    }
}

/// `call.transfer`: one party of an answered call (the caller, unless `keep` says `callee`)
/// is put through to another number (blind transfer, as the other party's phone's Transfer
/// key does).
public enum CallTransfer: RPCMethod {
    public static let name = "call.transfer"
    public static let summary =
        "Transfer an answered call's caller (or, keep: callee, its callee) to a number (blind): it rings there, and the other party's phone leaves the call when it answers."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Result = Acknowledged

    /// The party that stays in the call and is put through.
    public enum Party: String, Codable, Sendable, Hashable, CaseIterable {
        case caller, callee
    }

    public struct Params: Codable, Sendable, Hashable {
        public var id: String
        /// Dialled as the transferring phone would dial it: an extension, a queue, a menu's number.
        public var to: String
        /// Absent: the caller (the callee's phone transfers it).
        public var keep: Party?
        public init(id: String, to: String, keep: Party? = nil) {
            self.id = id
            self.to = to
            self.keep = keep
        }
    }
}

/// `call.originate`: click-to-call. The engine rings `from`'s phone (showing the number it
/// is about to call); once it answers, `to` is dialled for it as that phone would dial it, and
/// the phone hears ringback until `to` answers. A CRM's "call this customer" button, an
/// agent's console.
public enum CallOriginate: RPCMethod {
    public static let name = "call.originate"
    public static let summary =
        "Click-to-call: ring an extension's phone, and once it answers, call a number for it (the phone hears ringback meanwhile)."
    /// Staff for any extension; an agent only from the extension it is logged in at.
    public static let allowedRoles: Set<Role> = .people
    public static let ownAgentRoles: Set<Role> = [.agent]
    /// The call, dialling while the extension's phone rings; its events follow it by `id`.
    public typealias Result = CallInfo

    public struct Params: Codable, Sendable, Hashable {
        /// The extension whose phone rings first and who the call is from.
        public var from: String
        /// Dialled as that phone would dial it: an extension, a queue's or menu's number.
        public var to: String
        /// Ask the phone to answer by itself (a headset agent's softphone); default false.
        public var autoAnswer: Bool?
        public init(from: String, to: String, autoAnswer: Bool? = nil) {
            self.from = from
            self.to = to
            self.autoAnswer = autoAnswer
        }
    }
}

/// `cdr.search`: newest first.
public enum CDRSearch: RPCMethod {
    public static let name = "cdr.search"
    public static let summary =
        "Call detail records, newest first, filtered by time, number, disposition, encryption; page on with olderThan."
    /// The most records one answer carries.
    public static let maximumLimit = 10_000
    public static let allowedRoles: Set<Role> = [.admin, .supervisor]
    public typealias Result = [CDRInfo]

    public struct Params: Codable, Sendable, Hashable {
        /// Calls started at or after this instant.
        public var since: Date?
        /// Calls started before this instant.
        public var until: Date?
        /// Caller or callee equals this number.
        public var number: String?
        public var disposition: CallDisposition?
        /// Only calls whose audio was (true) or was not (false) encrypted (`CDRInfo.encrypted`).
        /// Since stop 54: an older engine ignores it and answers records without `encrypted`.
        public var encrypted: Bool?
        /// At most this many records (1-10000).
        public var limit: Int?
        /// Only records older than this one (the last of the previous page): an export of
        /// more records than one answer carries asks page after page.
        public var olderThan: CDRCursor?

        public init(
            since: Date? = nil, until: Date? = nil, number: String? = nil, disposition: CallDisposition? = nil,
            encrypted: Bool? = nil, limit: Int? = nil, olderThan: CDRCursor? = nil
        ) {
            self.since = since
            self.until = until
            self.number = number
            self.disposition = disposition
            self.encrypted = encrypted
            self.limit = limit
            self.olderThan = olderThan
        }
    }
}

/// `conference.list`: the conference rooms with settings and those with somebody in them.
public enum ConferenceList: RPCMethod {
    public static let name = "conference.list"
    public static let summary =
        "Conference rooms: those with settings (conference.create) and those in use (a route to conf:NAME makes one), with who is in each."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = [ConferenceInfo]
}

/// A conference room: its settings, if it has any, and who is in it now.
public struct ConferenceInfo: Codable, Sendable, Hashable {
    public var name: String
    /// The callers' numbers, in the order they came.
    public var participants: [String]
    /// Whether callers must key in a PIN; nil from engines before stop 51.
    public var hasPIN: Bool?
    /// The PIN itself, shown to admins only.
    public var pin: String?
    /// Callers at once beyond which others are told the room is full; nil: no limit.
    public var maximumParticipants: Int?
    /// The participants nobody hears now (muted by their `*` or `conference.mute`); nil
    /// from engines before stop 53.
    public var muted: [String]?
    /// Whether the room has a leader PIN; its leaders, those waiting for one, and whether a
    /// leader locked it. Nil from engines before stop 57.
    public var hasLeaderPIN: Bool?
    /// The leader PIN itself, shown to admins only.
    public var leaderPIN: String?
    public var waitForLeader: Bool?
    public var endWithLeader: Bool?
    public var leaders: [String]?
    public var waiting: [String]?
    public var locked: Bool?
    /// Whether the room is recorded (one recording of its mix since stop 61); nil from
    /// engines before stop 60.
    public var recordCalls: Bool?

    public init(
        name: String, participants: [String], hasPIN: Bool? = nil, pin: String? = nil, maximumParticipants: Int? = nil
    ) {
        self.name = name
        self.participants = participants
        self.hasPIN = hasPIN
        self.pin = pin
        self.maximumParticipants = maximumParticipants
    }
}

/// `call.parked`: the calls parked on the parking lot's slots.
public enum CallParked: RPCMethod {
    public static let name = "call.parked"
    public static let summary =
        "Parked calls: each one's slot (a phone dials the park pickup code and the slot, *713, to take it), who is parked, who parked it and since when."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = [ParkedCallInfo]
}

/// A call waiting on a slot of the parking lot.
public struct ParkedCallInfo: Codable, Sendable, Hashable {
    public var slot: Int
    /// The call's id, as `call.list` shows it.
    public var id: String
    /// Who waits: the caller's number and name.
    public var caller: String
    public var callerName: String?
    /// The extension that parked the call; its phone rings when the call is not picked up in time.
    public var parkedBy: String
    public var since: Date
    /// Seconds left before the parker's phone rings.
    public var secondsLeft: Int

    public init(
        slot: Int, id: String, caller: String, callerName: String?, parkedBy: String, since: Date, secondsLeft: Int
    ) {
        self.slot = slot
        self.id = id
        self.caller = caller
        self.callerName = callerName
        self.parkedBy = parkedBy
        self.since = since
        self.secondsLeft = secondsLeft
    }
}
