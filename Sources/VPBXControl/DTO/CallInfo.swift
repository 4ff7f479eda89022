import Foundation

/// State of a call or of one of its legs. An open set: newer engines may add states.
public struct CallState: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }

    public static let dialing = CallState(rawValue: "dialing")
    public static let ringing = CallState(rawValue: "ringing")
    public static let answered = CallState(rawValue: "answered")
    public static let held = CallState(rawValue: "held")
    public static let ending = CallState(rawValue: "ending")
}

/// One leg of a B2BUA call (the A leg towards the caller, B legs towards callees).
public struct CallLegInfo: Codable, Sendable, Hashable {
    public var id: String
    /// Extension number, E.164 number or SIP URI of the far end.
    public var party: String
    public var state: CallState
    /// RTP packets the engine received from this leg's phone (relay counters; nil before media).
    public var rtpPacketsIn: UInt64?
    /// RTP packets the engine sent to this leg's phone.
    public var rtpPacketsOut: UInt64?
    /// The engine's RTP port this leg's phone sends to (nil before media is anchored).
    public var mediaPort: Int?

    public init(
        id: String, party: String, state: CallState, rtpPacketsIn: UInt64? = nil, rtpPacketsOut: UInt64? = nil,
        mediaPort: Int? = nil
    ) {
        self.id = id
        self.party = party
        self.state = state
        self.rtpPacketsIn = rtpPacketsIn
        self.rtpPacketsOut = rtpPacketsOut
        self.mediaPort = mediaPort
    }
}

/// A call in progress.
public struct CallInfo: Codable, Sendable, Hashable {
    public var id: String
    public var caller: String
    public var callerName: String?
    public var callee: String
    public var state: CallState
    public var startedAt: Date
    public var answeredAt: Date?
    public var legs: [CallLegInfo]?
    /// `on` or `paused` while the call is recorded (`call.record`); absent when it is not.
    public var recording: String?
    /// Whether a phone of the call speaks SRTP: keys exchanged by the phones (SDES) and the
    /// audio passed through encrypted, or SRTP the engine terminates on a phone's leg (since
    /// stop 54); in `call.list` since stop 53.
    public var encrypted: Bool?

    public init(
        id: String, caller: String, callerName: String? = nil, callee: String, state: CallState,
        startedAt: Date, answeredAt: Date? = nil, legs: [CallLegInfo]? = nil, recording: String? = nil
    ) {
        self.id = id
        self.caller = caller
        self.callerName = callerName
        self.callee = callee
        self.state = state
        self.startedAt = startedAt
        self.answeredAt = answeredAt
        self.legs = legs
        self.recording = recording
    }
}
