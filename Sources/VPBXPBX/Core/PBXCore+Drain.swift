import Foundation
import VPBXSIP
import VPBXSignaling

/// Stopping without cutting calls (Asterisk's `core stop when convenient` and `core stop
/// gracefully`): the engine exits once no call is left, and meanwhile either takes new calls
/// as usual or refuses them with 503 so that a front proxy (or the caller's provider) sends
/// them to another engine. Registrations, in-dialog requests and the calls already up are
/// untouched: a voicemail being left or a queue caller waiting is a call, and is waited for.
public enum DrainMode: String, Sendable, Codable, CaseIterable {
    /// New calls are taken; the engine stops at the first moment without calls.
    case whenIdle = "when-idle"
    /// New calls get `503 Draining` with a Retry-After, and so does OPTIONS (the
    /// keep-alive a dispatcher probes with); the engine stops when the last call ends.
    case refuseNewCalls = "refuse-new"
}

/// A drain under way: how, and since when (its waiters are the core's ``drainWaiters``).
struct DrainState {
    var mode: DrainMode
    let since: Date
}

extension PBXCore {
    /// Starts draining (or changes how); a drain with no calls left ends at once.
    public func startDrain(_ mode: DrainMode) {
        let since = drain?.since ?? Date()
        drain = DrainState(mode: mode, since: since)
        logger.notice(
            "draining: stopping once no call is left",
            metadata: ["mode": "\(mode.rawValue)", "active_calls": "\(calls.count + originations.count)"])
        checkDrained()
    }

    /// Back to normal: new calls are taken and the engine does not stop by itself. False
    /// when it was not draining.
    @discardableResult
    public func cancelDrain() -> Bool {
        guard drain != nil else { return false }
        drain = nil
        logger.notice("drain cancelled: taking calls as usual")
        return true
    }

    /// The drain under way, if any: its mode and since when.
    public var drainStatus: (mode: DrainMode, since: Date)? { drain.map { ($0.mode, $0.since) } }

    /// Returns once a drain found no call left (never while none is under way); the engine's
    /// main waits on it beside the shutdown signals.
    public func drained() async {
        if drain != nil, isIdle { return }
        await withCheckedContinuation { drainWaiters.append($0) }
    }

    /// Called where calls and click-to-call originations end.
    func checkDrained() {
        guard drain != nil, isIdle, !drainWaiters.isEmpty else { return }
        logger.notice("drained: no call left")
        let waiters = drainWaiters
        drainWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    private var isIdle: Bool { calls.isEmpty && originations.isEmpty }

    /// The 503 a new INVITE or an OPTIONS gets while draining with ``DrainMode/refuseNewCalls``
    /// (RFC 3261 §21.5.4: the Retry-After tells a proxy to use another server meanwhile).
    func drainingRefusal(to request: SIPRequest) -> SIPResponse? {
        guard drain?.mode == .refuseNewCalls else { return nil }
        var response = SIPResponse(to: request, status: 503, reason: "Draining", toTag: SIPIdentifiers.tag())
        response.headers.add("Retry-After", String(Self.drainingRetryAfter))
        return response
    }

    /// Seconds a refused caller's proxy should keep away: about what a restart takes.
    static let drainingRetryAfter = 120
}
