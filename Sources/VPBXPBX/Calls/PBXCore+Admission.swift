import Foundation
import VPBXSIP
import VPBXSignaling

/// Refusing new calls at the call limit and while overloaded (``CallAdmission``).
extension PBXCore {
    /// Answers a new INVITE `503` when it may not start; true when it may. Checked before
    /// authentication, so a refused call costs only its transaction.
    func admitNewCall(_ request: SIPRequest, key: TransactionKey) -> Bool {
        guard let refusal = admission.refusal(activeCalls: calls.count) else { return true }
        switch refusal {
        case .callLimit: statistics.callsRefusedAtLimit += 1
        case .overload: statistics.callsRefusedOverloaded += 1
        }
        logRefusal(refusal, request)
        respond(key, with: refusal.response(to: request, toTag: SIPIdentifiers.tag()))
        return false
    }

    func overloadChanged(waited: Duration) {
        statistics.overloaded = admission.isOverloaded
        if admission.isOverloaded {
            logger.warning(
                "overloaded: refusing new calls with 503 until the core catches up",
                metadata: [
                    "queue_delay_ms": "\(waited.milliseconds)",
                    "threshold_ms": "\((admission.overloadDelay ?? .zero).milliseconds)",
                    "active_calls": "\(calls.count)",
                ])
        } else {
            logger.notice(
                "caught up: accepting new calls again",
                metadata: [
                    "queue_delay_ms": "\(waited.milliseconds)",
                    "refused_overloaded_total": "\(statistics.callsRefusedOverloaded)",
                ])
        }
    }

    private func logRefusal(_ refusal: CallAdmission.Refusal, _ request: SIPRequest) {
        let now = ContinuousClock.now
        if let last = lastRefusalLog, now - last < .seconds(10) { return }
        lastRefusalLog = now
        let reason: String
        switch refusal {
        case .callLimit(let limit): reason = "call limit of \(limit) reached"
        case .overload: reason = "overloaded"
        }
        logger.notice(
            "new call refused with 503 (further refusals within 10 s are only counted)",
            metadata: [
                "reason": "\(reason)", "dialled": "\(request.uri.user ?? "")",
                "refused_at_limit_total": "\(statistics.callsRefusedAtLimit)",
                "refused_overloaded_total": "\(statistics.callsRefusedOverloaded)",
            ])
    }
}

extension Duration {
    /// Whole milliseconds, for logs.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
