import VPBXRTP

/// What a supervisor attached to a call does: who hears the supervisor.
///
/// In every mode the supervisor hears both parties, mixed. The names are the ones call-center
/// staff use (Asterisk's ChanSpy, FreeSWITCH's eavesdrop): listen (silent monitor), whisper
/// (coach the agent; the customer hears nothing of it) and barge (a three-way call).
public enum RelayMonitorMode: String, Sendable, CaseIterable {
    case listen, whisper, barge

    /// Whether the agent's phone gets the supervisor mixed into the customer's audio.
    var agentHearsSupervisor: Bool { self != .listen }
    /// Whether the customer's phone gets the supervisor mixed into the agent's audio.
    var customerHearsSupervisor: Bool { self == .barge }
}

/// The audio formats around a monitor: the call's (both its legs use one, the relay forwards
/// it untouched) and the supervisor's phone's, which may differ (G.711 A-law and µ-law are
/// transcoded through linear samples anyway for the mix).
public struct RelayMonitorFormat: Sendable, Equatable {
    /// The call's codec and payload type.
    public var callLaw: G711.Law
    public var callPayloadType: UInt8
    /// The supervisor phone's codec, payload type and RFC 4733 event payload type if any.
    public var supervisorLaw: G711.Law
    public var supervisorPayloadType: UInt8
    public var supervisorEventPayloadType: UInt8?
    /// The side of the relay session whose phone is the agent (the one being coached).
    public var agentSide: RelaySide

    public init(
        callLaw: G711.Law, callPayloadType: UInt8, supervisorLaw: G711.Law, supervisorPayloadType: UInt8,
        supervisorEventPayloadType: UInt8?, agentSide: RelaySide
    ) {
        self.callLaw = callLaw
        self.callPayloadType = callPayloadType
        self.supervisorLaw = supervisorLaw
        self.supervisorPayloadType = supervisorPayloadType
        self.supervisorEventPayloadType = supervisorEventPayloadType
        self.agentSide = agentSide
    }
}
