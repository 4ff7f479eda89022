import Foundation

/// Bans a source address that keeps sending wrong credentials, as administrators of Asterisk
/// and FreeSWITCH get from fail2ban: a SIP port on the internet is scanned for weak extension
/// passwords within hours, thousands of guesses a minute.
///
/// A source that fails authentication ``Policy/limit`` times within ``Policy/window`` is
/// banned for ``Policy/banDuration``: its out-of-dialog requests are dropped unanswered (a
/// scanner learns nothing, and costs nothing more than a parse), while its calls already up
/// go on. A phone with a stale password retries about once a minute and a person mistyping a
/// password fails a few times, both far below the default of ten a minute; trusted networks
/// are never challenged, so never counted. Only failed checks of credentials count, not the
/// challenges every phone gets before it authenticates.
///
/// Sources in ``Policy/exempt`` are never counted (fail2ban's `ignoreip`): the office's NAT
/// address or a provider's gateway, which a forged UDP packet could otherwise get banned.
///
/// Memory is bounded: at most ``Policy/maximumTrackedSources`` sources are counted at once
/// (past that a new source is not counted until old windows expire; bans already made stay).
struct AuthFailureGuard: Sendable {
    struct Policy: Sendable, Equatable {
        /// Failures within ``window`` that ban a source; 0 turns banning off.
        var limit: Int
        var window: Duration
        var banDuration: Duration
        var exempt: [CIDR] = []
        var maximumTrackedSources: Int = 65_536
    }

    struct Ban: Sendable, Equatable {
        let source: String
        let since: ContinuousClock.Instant
        let until: ContinuousClock.Instant
        /// Wall-clock time of the ban, for administrators (`since` and `until` are monotonic).
        let bannedAt: Date
        /// Failures counted when the ban began.
        let failures: Int
    }

    let policy: Policy
    /// Failures per source in its current window (the window starts at its first failure).
    private var counts: [String: (windowStart: ContinuousClock.Instant, failures: Int)] = [:]
    private var bans: [String: Ban] = [:]

    init(policy: Policy) {
        self.policy = policy
    }

    var isEnabled: Bool { policy.limit > 0 }

    /// Whether any ban is recorded (the per-request check starts here: usually there is none).
    var hasBans: Bool { !bans.isEmpty }

    /// Whether `source` (an IP address as text) is banned at `now`.
    func isBanned(_ source: String, now: ContinuousClock.Instant) -> Bool {
        guard let ban = bans[source] else { return false }
        return ban.until > now
    }

    /// Whether `source` lies in a network that is never banned (nor rate limited).
    func isExempt(_ source: String) -> Bool {
        policy.exempt.contains { $0.contains(source) }
    }

    /// Counts one failed authentication from `source`; returns the ban when this failure
    /// started one.
    mutating func recordFailure(from source: String, now: ContinuousClock.Instant) -> Ban? {
        guard isEnabled, !isBanned(source, now: now), !isExempt(source) else {
            return nil
        }
        var entry = counts[source] ?? (now, 0)
        if now - entry.windowStart >= policy.window { entry = (now, 0) }
        entry.failures += 1
        if entry.failures >= policy.limit {
            counts[source] = nil
            let ban = Ban(
                source: source, since: now, until: now + policy.banDuration, bannedAt: Date(), failures: entry.failures)
            bans[source] = ban
            return ban
        }
        guard counts[source] != nil || counts.count < policy.maximumTrackedSources else { return nil }
        counts[source] = entry
        return nil
    }

    /// Forgets windows and bans that ended before `now`; returns the bans that ended.
    mutating func expire(now: ContinuousClock.Instant) -> [Ban] {
        counts = counts.filter { now - $0.value.windowStart < policy.window }
        let ended = bans.values.filter { $0.until <= now }
        for ban in ended { bans[ban.source] = nil }
        return ended
    }

    /// The bans in force at `now`, longest-standing first.
    func activeBans(now: ContinuousClock.Instant) -> [Ban] {
        bans.values.filter { $0.until > now }.sorted { $0.since < $1.since }
    }

    /// Lifts the ban on `source` (and forgets its failures); false when it was not banned.
    mutating func lift(_ source: String) -> Bool {
        counts[source] = nil
        return bans.removeValue(forKey: source) != nil
    }
}
