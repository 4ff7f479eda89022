import Foundation

/// What the engine's checks (OPTIONS, every `qualifySeconds` of an extension; Asterisk's
/// qualify) know of each contact: reachable with its round-trip time, unreachable since when,
/// or not known yet. A contact known to be unreachable is not rung.
///
/// A value owned by the core; times come from the caller, so tests drive it without a clock.
struct ContactReachability: Sendable {
    struct Key: Hashable, Sendable {
        let extensionNumber: String
        /// The contact URI as rung (a binding's contact text, or the static contact).
        let contact: String
    }

    enum Status: Sendable, Equatable {
        case unknown
        /// `roundTrip` is nil when the answer came after the check had given up on it.
        case reachable(roundTrip: Duration?, since: Date)
        case unreachable(since: Date)
    }

    /// What a probe's outcome changed, for the log and the event stream.
    enum Change: Sendable, Equatable {
        case becameReachable(roundTrip: Duration?)
        case becameUnreachable
    }

    private struct Entry: Sendable {
        var status = Status.unknown
        /// The probe waiting for its answer, if one is.
        var probe: Int?
        var probeSentAt: ContinuousClock.Instant?
        /// What was last reported (logged, sent as an event): a phone that registers again
        /// between failing checks goes through `unknown` each time, and is not reported
        /// unreachable again every round.
        var reported: Bool?
    }

    /// By extension, then contact: a round or a removed extension touches only its own.
    private var byExtension: [String: [String: Entry]] = [:]

    private subscript(key: Key) -> Entry? {
        get { byExtension[key.extensionNumber]?[key.contact] }
        set { byExtension[key.extensionNumber, default: [:]][key.contact] = newValue }
    }
    private var nextProbe = 0

    func status(of key: Key) -> Status { self[key]?.status ?? .unknown }

    /// A probe of `key` waits for its answer.
    func isProbing(_ key: Key) -> Bool { self[key]?.probe != nil }

    func isUnreachable(_ key: Key) -> Bool {
        if case .unreachable = self[key]?.status { return true }
        return false
    }

    /// Starts a probe of `key`; returns its number, or nil while an earlier one still waits.
    mutating func startProbe(_ key: Key, at now: ContinuousClock.Instant) -> Int? {
        var entry = self[key] ?? Entry()
        guard entry.probe == nil else { return nil }
        nextProbe += 1
        entry.probe = nextProbe
        entry.probeSentAt = now
        self[key] = entry
        return nextProbe
    }

    /// The probe `probe` was answered (any response but a timeout counts: a phone that
    /// answers 404 or 405 to OPTIONS is there).
    mutating func answered(_ key: Key, probe: Int, at now: ContinuousClock.Instant, date: Date) -> Change? {
        guard var entry = self[key], entry.probe == probe, let sentAt = entry.probeSentAt else { return nil }
        entry.probe = nil
        entry.probeSentAt = nil
        return settle(key, &entry, reachable: true, roundTrip: now - sentAt, date: date)
    }

    /// The probe `probe` went unanswered for the check's timeout. Its transaction may still
    /// be answered later (then the contact is reachable again).
    mutating func timedOut(_ key: Key, probe: Int, date: Date) -> Change? {
        guard var entry = self[key], entry.probe == probe else { return nil }
        entry.probe = nil
        entry.probeSentAt = nil
        return settle(key, &entry, reachable: false, roundTrip: nil, date: date)
    }

    /// A probe answered after its timeout: the answer still proves the contact is there.
    mutating func lateAnswer(_ key: Key, date: Date) -> Change? {
        guard var entry = self[key], case .unreachable = entry.status else { return nil }
        return settle(key, &entry, reachable: true, roundTrip: nil, date: date)
    }

    /// Stores the new status (keeping `since` while it stays the same) and says what to
    /// report, if it differs from what was reported last.
    private mutating func settle(
        _ key: Key, _ entry: inout Entry, reachable: Bool, roundTrip: Duration?, date: Date
    ) -> Change? {
        switch (entry.status, reachable) {
        case (.reachable(_, let since), true): entry.status = .reachable(roundTrip: roundTrip, since: since)
        case (_, true): entry.status = .reachable(roundTrip: roundTrip, since: date)
        case (.unreachable, false): break
        case (_, false): entry.status = .unreachable(since: date)
        }
        let report = entry.reported != reachable
        entry.reported = reachable
        self[key] = entry
        guard report else { return nil }
        return reachable ? .becameReachable(roundTrip: roundTrip) : .becameUnreachable
    }

    /// The phone registered this contact again: whatever the checks said, it is worth ringing
    /// until the next check says otherwise.
    mutating func registered(_ key: Key) {
        guard var entry = self[key], case .unreachable = entry.status else { return }
        entry.status = .unknown
        self[key] = entry
    }

    /// Drops what is known of one contact (unregistered).
    mutating func forget(_ key: Key) {
        self[key] = nil
        if byExtension[key.extensionNumber]?.isEmpty == true { byExtension[key.extensionNumber] = nil }
    }

    /// Drops what is known of the extension's contacts other than `current` (a static contact
    /// changed, a binding expired), or of all of them.
    mutating func forget(_ extensionNumber: String, keeping current: Set<String> = []) {
        guard let contacts = byExtension[extensionNumber] else { return }
        let kept = contacts.filter { current.contains($0.key) }
        byExtension[extensionNumber] = kept.isEmpty ? nil : kept
    }
}
