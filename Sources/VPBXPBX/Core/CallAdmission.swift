import VPBXSIP

/// Whether a new call may start: the administrator's limit on concurrent calls, load shedding
/// while the core is overloaded, and media ports left for it.
///
/// Overload is judged by how long inputs wait in the core's queue, not by the call rate: the
/// rate the core can carry depends on the machine and on what the calls do, while a queue
/// delay is what callers and phones feel. Above ``PBXConfiguration/overloadQueueDelay`` every
/// message (a BYE, an ACK, a 200 for a call already ringing) is late, and a phone that waits
/// longer than T1 (500 ms) for an answer retransmits, which adds load; so new INVITEs get a
/// cheap `503` at once while the calls already admitted finish. Without it calls pile up
/// behind the core until the RTP port range is exhausted, and every call is late or fails.
///
/// The threshold works as a target, without hysteresis: each batch that waited at least that
/// long refuses the new calls in it, the next one that waited less admits them. Measured at
/// 4,000 calls/s offered (about 1.4 times what the test machine carries), leaving the state
/// only below a quarter of the threshold let the core run dry while it refused everything
/// and carried fewer calls than no shedding at all; at the threshold itself it carried the
/// most (docs/performance.md, stop 14). Logging follows overload episodes instead of
/// batches (``PBXCore/overloadEpisode``).
struct CallAdmission {
    enum Refusal: Equatable {
        case callLimit(Int)
        case overload
        /// The relay has no port pairs left for another call (they come back as calls end):
        /// refused before the call is set up, not after it was admitted and routed.
        case noMediaPorts
        /// The database has been refusing writes (a full disk) long enough that this many wait
        /// in memory: no new calls, whose records could not be kept either.
        case storeBacklog(Int)

        /// The 503 for this refusal. Overload and a full port range carry a Retry-After
        /// (RFC 3261 §21.5.4): both pass within moments, and a front proxy may try elsewhere
        /// meanwhile; the call limit is a steady policy, not a reason to take the whole
        /// server out of a proxy's rotation.
        func response(to request: SIPRequest, toTag: String) -> SIPResponse {
            switch self {
            case .callLimit:
                return SIPResponse(to: request, status: 503, reason: "Maximum Calls In Progress", toTag: toTag)
            case .overload:
                var response = SIPResponse(to: request, status: 503, reason: "Overloaded", toTag: toTag)
                response.headers.add("Retry-After", "1")
                return response
            case .noMediaPorts:
                var response = SIPResponse(to: request, status: 503, reason: "No Media Ports", toTag: toTag)
                response.headers.add("Retry-After", "1")
                return response
            case .storeBacklog:
                // A full disk takes an administrator: a proxy may well send the calls elsewhere.
                var response = SIPResponse(to: request, status: 503, reason: "Call Records Not Writable", toTag: toTag)
                response.headers.add("Retry-After", "60")
                return response
            }
        }
    }

    let maximumCalls: Int?
    let overloadDelay: Duration?
    let maximumPendingWrites: Int?
    private(set) var isOverloaded = false

    init(maximumCalls: Int?, overloadDelay: Duration?, maximumPendingWrites: Int? = nil) {
        self.maximumCalls = maximumCalls
        self.overloadDelay = overloadDelay
        self.maximumPendingWrites = maximumPendingWrites
    }

    /// Notes how long the batch about to be handled waited; true when it means overload.
    mutating func observe(queueDelay: Duration) -> Bool {
        guard let overloadDelay else { return false }
        isOverloaded = queueDelay >= overloadDelay
        return isOverloaded
    }

    /// Why a new call must be refused now, or nil to admit it. `mediaSessionsLeft`: how many
    /// more calls the relay has ports for (nil: it does not say); `pendingWrites`: store
    /// writes waiting in memory.
    func refusal(activeCalls: Int, mediaSessionsLeft: Int? = nil, pendingWrites: Int = 0) -> Refusal? {
        if isOverloaded { return .overload }
        if let maximumCalls, activeCalls >= maximumCalls { return .callLimit(maximumCalls) }
        if let mediaSessionsLeft, mediaSessionsLeft <= 0 { return .noMediaPorts }
        if let maximumPendingWrites, pendingWrites >= maximumPendingWrites { return .storeBacklog(maximumPendingWrites) }
        return nil
    }
}
