import Foundation

/// Things that happened in the exchange, for the control socket's event stream and logs. The
/// core emits them; the engine turns them into JSON-RPC notifications.
public enum PBXEvent: Sendable, Equatable {
    case registrationAdded(extensionNumber: String, contact: String, expiresAt: Date)
    case registrationRemoved(extensionNumber: String, contact: String, reason: String)
    /// A contact check found a contact reachable (with its round trip, when it answered in
    /// time) or unreachable.
    case contactReachability(extensionNumber: String, contact: String, reachable: Bool, roundTripMilliseconds: Int?)
    /// A dialled number went through the dial plan (routes, time conditions) before ringing.
    case callRouted(caller: String, dialled: String, path: [String])
    case callStarted(CallSnapshot)
    case callRinging(CallSnapshot)
    case callAnswered(CallSnapshot)
    /// The mobile of `extensionNumber` (or a public number it forwards to) answered and is
    /// asked to press 1 before it takes the call (`--mobile-confirm on`); the caller still
    /// hears ringing. `call.answered` follows its 1; another key or silence leaves the call
    /// ringing elsewhere or ends it as the other phones decide.
    case callConfirming(CallSnapshot, extensionNumber: String)
    /// A party (`caller` or `callee`) put the call on hold; the other one hears music.
    case callHeld(CallSnapshot, by: String)
    /// A party took the call off hold.
    case callResumed(CallSnapshot, by: String)
    case callEnded(CallSnapshot, disposition: String, cause: String)
    /// A party (`caller` or `callee`, as the call was before) transferred the call and the
    /// target answered: the snapshot's caller (the party kept) talks to its callee now, and
    /// the phone (an agent's) that transferred it is free.
    case callTransferred(CallSnapshot, by: String)
    /// A call was parked on a slot of the lot, or left it (picked up, timed out, hung up).
    case callParked(ParkingLot.ParkedCall)
    case callUnparked(ParkingLot.ParkedCall, reason: ParkingLot.Departure)
    /// A supervisor attached to a call (listen, whisper, barge), switched mode, or left.
    case monitorStarted(MonitorSnapshot)
    case monitorChanged(MonitorSnapshot)
    case monitorEnded(MonitorSnapshot, cause: String)
    /// The core started (`refusing`) or stopped refusing new calls for overload;
    /// `refusedTotal` counts the refusals since the engine started.
    case overload(refusing: Bool, refusedTotal: Int)
    /// A source was banned for `seconds` after `failures` failed authentications
    /// (``AuthFailureGuard``).
    case sourceBanned(source: String, failures: Int, seconds: Int)
    /// A source's ban ended: `expired`, or `lifted` by an administrator.
    case sourceBanEnded(source: String, reason: String)
    /// The exchange's registration at a trunk's provider succeeded or failed (refreshes that
    /// keep it registered are not events).
    case trunkRegistration(trunk: String, state: TrunkRegistrationState)
    /// A checked trunk's server started or stopped answering OPTIONS (PBXCore+TrunkQualify).
    case trunkReachability(trunk: String, reachable: Bool, roundTripMilliseconds: Int?)
}

/// A read-only view of a call for the control socket.
public struct CallSnapshot: Sendable, Equatable {
    public enum State: String, Sendable { case routing, ringing, answered, ending }

    public var id: UUID
    public var caller: String
    public var callerName: String?
    public var callee: String
    public var state: State
    public var startedAt: Date
    /// The parties holding the call (`caller`, `callee`), empty when nobody does.
    public var heldBy: [String]
    public var answeredAt: Date?
    /// Callee contacts being rung or connected; listed by `PBXCore.callSnapshots()` only,
    /// empty in events.
    public var calleeContacts: [String]
    /// The engine's RTP ports for the caller's and the callees' phones, once media is anchored.
    public var callerMediaPort: Int? = nil
    public var calleeMediaPort: Int? = nil
    /// `on` or `paused` while the call is recorded; nil when it is not.
    public var recording: String? = nil
    /// Whether the caller's media is SRTP (passed through end to end, or terminated by the
    /// engine); listed by `PBXCore.callSnapshots()` only, nil in events (the SDP is not
    /// looked at per event).
    public var encrypted: Bool? = nil
}
