import Foundation
import VPBXSchedule
import VPBXText

/// An outbound route as the core chooses trunks with it (the store's ``OutboundRouteRecord``):
/// calls to numbers starting with one of its prefixes, from the extensions it names (or from
/// every extension), go out through its trunks in its order. Least-cost routing: mobile
/// numbers through a mobile gateway, international calls through a cheaper provider, a call
/// center's agents through the trunk that shows its number. A route may hold only while a
/// schedule is open (or closed): after hours through the cheaper provider. It may show its
/// own number and put digits before the number as the trunk writes it (a carrier's prefix).
public struct OutboundRoute: Sendable, Equatable {
    public var name: String
    /// Beginnings of the numbers it carries, in E.164 (`+3630`; `+` alone: every public
    /// number) or of short numbers (`112`).
    public var prefixes: [String]
    /// Trunk names, tried in this order.
    public var trunks: [String]
    /// The extensions whose calls it carries; empty: everyone's.
    public var callers: [CallerRange]
    /// When it holds; nil: always.
    public var schedule: Condition?
    /// The E.164 number calls through it show (instead of the trunk's); an extension's own
    /// DID still wins, as FreePBX's route caller ID does unless told to override
    /// (``overridesExtensionCallerID``).
    public var callerID: String?
    /// ``callerID`` wins over an extension's own number (FreePBX's "Override Extension": a
    /// call center's agents show the center's number whatever their DIDs).
    public var overridesExtensionCallerID: Bool
    /// Digits (`*`, `#` too) put before the number as each trunk writes it: a carrier
    /// selection code or a provider's technical prefix.
    public var prepend: String

    public init(
        name: String, prefixes: [String], trunks: [String], callers: [CallerRange] = [], schedule: Condition? = nil,
        callerID: String? = nil, prepend: String = "", overridesExtensionCallerID: Bool = false
    ) {
        self.overridesExtensionCallerID = overridesExtensionCallerID
        self.name = name
        self.prefixes = prefixes
        self.trunks = trunks
        self.callers = callers
        self.schedule = schedule
        self.callerID = callerID
        self.prepend = prepend
    }

    /// A schedule the route follows: it holds while the schedule is open (`whileOpen`), or
    /// while it is closed. The schedule's override (a snow day) counts, as for time conditions.
    public struct Condition: Sendable, Equatable {
        public let hours: OpeningHours
        public let override: ScheduleOverride?
        public let whileOpen: Bool

        public init(hours: OpeningHours, override: ScheduleOverride?, whileOpen: Bool) {
            self.hours = hours
            self.override = override
            self.whileOpen = whileOpen
        }
    }

    /// Whether it holds at `instant` (its schedule, if it has one, in the state it names).
    func holds(at instant: Date) -> Bool {
        guard let schedule else { return true }
        return schedule.hours.decision(at: instant, override: schedule.override).isOpen == schedule.whileOpen
    }

    /// Extension numbers from `lower` to `upper`, both of one length (`2000-2099`); a single
    /// extension is a range of one.
    public struct CallerRange: Sendable, Equatable {
        public let lower: String
        public let upper: String

        /// `1001` or `2000-2099`; nil for anything else (the store refuses those).
        public init?(_ text: String) {
            let ends = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard (1...2).contains(ends.count), ends.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
                ends[0].count == ends[ends.count - 1].count, ends[0] <= ends[ends.count - 1]
            else { return nil }
            (lower, upper) = (ends[0], ends[ends.count - 1])
        }

        /// Digits of one length compare as numbers when compared as text.
        public func contains(_ number: String) -> Bool {
            number.count == lower.count && lower <= number && number <= upper
        }
    }

    /// How many characters of `number` (E.164, or a short number) its longest matching prefix
    /// covers; nil when no prefix matches.
    func matchLength(of number: String) -> Int? {
        prefixes.filter { number.hasPrefix($0) }.map(\.count).max()
    }

    /// Whether it carries calls on behalf of `caller` (nil: no extension's call).
    func carries(callsOf caller: String?) -> Bool {
        guard !callers.isEmpty else { return true }
        guard let caller else { return false }
        return callers.contains { $0.contains(caller) }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension DialPlan {
    /// The outbound route a call to `number` on behalf of `caller` takes: a matching route
    /// naming the caller before any route for everyone (the call center's agents go out
    /// through its trunk whatever the office's routes say: as an extension's own setting
    /// would), then the one whose prefix matches the most of the number (mobiles through the
    /// mobile gateway, the rest through the provider), then one with a schedule (it holds
    /// now) before one without, then by name. Routes whose schedule
    /// does not hold at `instant` are passed over. Nil: none matches, and the call goes
    /// through every outbound trunk by priority.
    public func outboundRoute(for number: String, caller: String?, at instant: Date) -> OutboundRoute? {
        var best: (route: OutboundRoute, rank: (Int, Int, Int))?
        for route in outboundRoutes where route.carries(callsOf: caller) && route.holds(at: instant) {
            guard let length = route.matchLength(of: number) else { continue }
            // A schedule that holds makes a route more particular than one that always does
            // (the night route beats the day route with the same prefix), never more than a
            // longer prefix.
            let rank = (route.callers.isEmpty ? 0 : 1, length, route.schedule == nil ? 0 : 1)
            // Routes are in name order: a later one wins only by ranking higher.
            if let current = best, rank <= current.rank { continue }
            best = (route, rank)
        }
        return best?.route
    }
}

/// How far calls on behalf of an extension may go out (its outbound class), and which
/// extension that is: its outbound route chooses their trunks.
struct OutboundPermission: Sendable {
    let reach: PublicNumber.Reach
    let extensionNumber: String
}
