import Foundation
import VPBXSIP
import VPBXSignaling

/// Refusing new calls at the call limit and while overloaded (``CallAdmission``).
extension PBXCore {
    /// Answers a new INVITE `503` when it may not start; true when it may. Checked before
    /// authentication, so a refused call costs only its transaction.
    func admitNewCall(_ request: SIPRequest, key: TransactionKey) -> Bool {
        if let refusal = drainingRefusal(to: request) {
            statistics.callsRefusedDraining += 1
            respond(key, with: refusal)
            return false
        }
        // Calls still waiting for their media session have not taken their ports yet.
        let mediaLeft = mediaFactory.sessionsAvailable.map { $0 - pendingDestinations.count }
        guard
            let refusal = admission.refusal(
                activeCalls: calls.count, mediaSessionsLeft: mediaLeft, pendingWrites: writes.pendingCount)
        else {
            return true
        }
        switch refusal {
        case .callLimit: statistics.callsRefusedAtLimit += 1
        case .overload: statistics.callsRefusedOverloaded += 1
        case .noMediaPorts: statistics.callsRefusedNoMediaPorts += 1
        case .storeBacklog: statistics.callsRefusedStoreBacklog += 1
        }
        logRefusal(refusal, request)
        respond(key, with: refusal.response(to: request, toTag: SIPIdentifiers.tag()))
        return false
    }

    /// A batch waited past the threshold: starts or extends the overload episode.
    func overloaded(waited: Duration) {
        let now = ContinuousClock.now
        if overloadEpisode != nil {
            overloadEpisode?.lastOverloaded = now
            return
        }
        overloadEpisode = OverloadEpisode(
            started: now, lastOverloaded: now, refusedBefore: statistics.callsRefusedOverloaded)
        emit(.overload(refusing: true, refusedTotal: statistics.callsRefusedOverloaded))
        logger.warning(
            "overloaded: refusing new calls with 503 while input waits longer than the threshold",
            metadata: [
                "queue_delay_ms": "\(waited.milliseconds)",
                "threshold_ms": "\((admission.overloadDelay ?? .zero).milliseconds)",
                "active_calls": "\(calls.count)",
            ])
    }

    /// A second without an overloaded batch: the episode is over.
    func overloadEnded(_ episode: OverloadEpisode, now: ContinuousClock.Instant) {
        overloadEpisode = nil
        emit(.overload(refusing: false, refusedTotal: statistics.callsRefusedOverloaded))
        logger.notice(
            "caught up: accepting every new call again",
            metadata: [
                "overload_ms": "\((episode.lastOverloaded - episode.started).milliseconds)",
                "refused": "\(statistics.callsRefusedOverloaded - episode.refusedBefore)",
            ])
    }

    private func logRefusal(_ refusal: CallAdmission.Refusal, _ request: SIPRequest) {
        let now = ContinuousClock.now
        if let last = lastRefusalLog, now - last < .seconds(10) { return }
        lastRefusalLog = now
        let reason: String
        switch refusal {
        case .callLimit(let limit): reason = "call limit of \(limit) reached"
        case .overload: reason = "overloaded"
        case .noMediaPorts: reason = "no RTP port pairs left (widen --rtp-ports or raise the descriptor limit)"
        case .storeBacklog(let limit):
            reason = "\(limit) call records and registrations wait for the database (a full disk?); see --max-pending-writes"
        }
        logger.notice(
            "new call refused with 503 (further refusals within 10 s are only counted)",
            metadata: [
                "reason": "\(reason)", "dialled": "\(request.uri.user ?? "")",
                "refused_at_limit_total": "\(statistics.callsRefusedAtLimit)",
                "refused_overloaded_total": "\(statistics.callsRefusedOverloaded)",
                "refused_no_media_ports_total": "\(statistics.callsRefusedNoMediaPorts)",
                "refused_store_backlog_total": "\(statistics.callsRefusedStoreBacklog)",
            ])
    }
}

/// From the first overloaded batch to the last, and how many refusals came before it.
struct OverloadEpisode {
    let started: ContinuousClock.Instant
    var lastOverloaded: ContinuousClock.Instant
    let refusedBefore: Int
}

extension Duration {
    /// Whole milliseconds, for logs.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
