import Foundation
import VPBXSIP

/// Sources that keep failing authentication are banned for a while (``AuthFailureGuard``).
extension PBXCore {
    /// A request's credentials were checked and refused (403): count it against its source.
    func authenticationFailed(from source: SIPPeerAddress) {
        statistics.authenticationFailures += 1
        guard let ban = authGuard.recordFailure(from: source.host, now: .now) else { return }
        statistics.sourcesBanned += 1
        let seconds = Int((ban.until - ban.since).components.seconds)
        logger.warning(
            "banned a source after repeated authentication failures: its new requests are dropped",
            metadata: ["source": "\(source.host)", "failures": "\(ban.failures)", "ban_seconds": "\(seconds)"])
        emit(.sourceBanned(source: source.host, failures: ban.failures, seconds: seconds))
    }

    /// True (and counted) when `request` is a new one from a banned source: it is dropped
    /// unanswered. In-dialog requests and ACKs pass, so calls already up are not cut.
    func dropsBannedSource(_ request: SIPRequest, from source: SIPPeerAddress) -> Bool {
        guard authGuard.hasBans, request.method != .ack, authGuard.isBanned(source.host, now: .now),
            (try? request.headers.toTag()) == nil
        else { return false }
        statistics.requestsFromBannedSources += 1
        return true
    }

    /// True (and counted) when `request`, a new request outside any dialog, is one more than
    /// its untrusted source may send this second (``SourceRateLimiter``): it is dropped
    /// unanswered, as a banned source's are. Trusted and ban-exempt networks are not limited.
    func dropsFlood(_ request: SIPRequest, from source: SIPPeerAddress) -> Bool {
        guard rateLimiter.isEnabled, request.method != .ack, request.method != .cancel,
            (try? request.headers.toTag()) == nil, !authenticator.isTrusted(source), !authGuard.isExempt(source.host)
        else { return false }
        let now = ContinuousClock.now
        guard case .drop(let first) = rateLimiter.admit(source.host, now: now) else { return false }
        statistics.requestsRateLimited += 1
        if first, lastFloodLog.map({ now - $0 >= .seconds(10) }) ?? true {
            lastFloodLog = now
            logger.warning(
                "a source sends more new requests than its limit; the rest of this second is dropped",
                metadata: [
                    "source": "\(source.host)", "limit_per_second": "\(rateLimiter.limit)",
                    "dropped_so_far": "\(statistics.requestsRateLimited)",
                ])
        }
        return true
    }

    /// Bans whose time is up are lifted (from the core's periodic tick).
    func expireBans(now: ContinuousClock.Instant) {
        for ban in authGuard.expire(now: now) {
            logger.notice("source ban expired", metadata: ["source": "\(ban.source)"])
            emit(.sourceBanEnded(source: ban.source, reason: "expired"))
        }
    }

    /// The sources banned now, longest-standing first (`ban.list`).
    public func authBans() -> [SourceBan] {
        authGuard.activeBans(now: .now).map { ban in
            let seconds = TimeInterval((ban.until - ban.since).components.seconds)  // whole seconds (the engine's option)
            return SourceBan(
                source: ban.source, failures: ban.failures, bannedAt: ban.bannedAt,
                until: ban.bannedAt.addingTimeInterval(seconds))
        }
    }

    /// Lifts the ban on `source` at once; false when it was not banned.
    public func liftAuthBan(_ source: String) -> Bool {
        guard authGuard.lift(source) else { return false }
        logger.notice("source ban lifted by an administrator", metadata: ["source": "\(source)"])
        emit(.sourceBanEnded(source: source, reason: "lifted"))
        return true
    }
}

/// A source banned for repeated authentication failures, for the control socket.
public struct SourceBan: Sendable, Equatable {
    public let source: String
    public let failures: Int
    public let bannedAt: Date
    public let until: Date
}
