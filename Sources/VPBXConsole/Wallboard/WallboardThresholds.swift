/// When a wallboard figure turns yellow (warning) or red (alert). Parsed from the compact
/// `--thresholds` option: `wait=30/60,sl=80/60,waiting=3/6` (any subset, any order).
public struct WallboardThresholds: Sendable, Hashable, CustomStringConvertible {
    /// How urgent a figure is.
    public enum Level: Int, Sendable, Hashable, Comparable {
        case normal, warning, alert
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    /// A warning and an alert limit. For "higher is worse" figures (waits, callers) the
    /// figure is at the level once it reaches the limit; for the service level once it
    /// falls below it.
    public struct Limits: Sendable, Hashable {
        public var warning: Int
        public var alert: Int
        public init(warning: Int, alert: Int) {
            self.warning = warning
            self.alert = alert
        }
    }

    /// Longest current wait, seconds.
    public var wait = Limits(warning: 30, alert: 60)
    /// Service level today, percent (lower is worse).
    public var serviceLevel = Limits(warning: 80, alert: 60)
    /// Callers waiting.
    public var waiting = Limits(warning: 3, alert: 6)

    public init() {}

    public init(wait: Limits, serviceLevel: Limits, waiting: Limits) {
        self.wait = wait
        self.serviceLevel = serviceLevel
        self.waiting = waiting
    }

    /// The option's syntax, for help texts and error messages.
    public static let syntax = "wait=WARN/ALERT,sl=WARN/ALERT,waiting=WARN/ALERT"

    /// Parses `wait=30/60,sl=80/60,waiting=3/6`; keys left out keep their defaults.
    public init(parsing text: String) throws(ThresholdsError) {
        self.init()
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else {
                throw ThresholdsError("'\(item)' is not KEY=WARN/ALERT; expected \(Self.syntax)")
            }
            let values = parts[1].split(separator: "/").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == 2, values.allSatisfy({ $0 >= 0 }) else {
                throw ThresholdsError("'\(parts[1])' for \(parts[0]) is not WARN/ALERT (two whole numbers, e.g. 30/60)")
            }
            let limits = Limits(warning: values[0], alert: values[1])
            switch parts[0].lowercased() {
            case "wait":
                guard limits.warning <= limits.alert else {
                    throw ThresholdsError(
                        "wait: the warning (\(values[0]) s) must not exceed the alert (\(values[1]) s)")
                }
                wait = limits
            case "waiting":
                guard limits.warning <= limits.alert else {
                    throw ThresholdsError(
                        "waiting: the warning (\(values[0])) must not exceed the alert (\(values[1]))")
                }
                waiting = limits
            case "sl":
                guard limits.warning >= limits.alert, limits.warning <= 100 else {
                    throw ThresholdsError("sl: expected WARN/ALERT percentages with WARN ≥ ALERT, e.g. sl=80/60")
                }
                serviceLevel = limits
            default:
                throw ThresholdsError("unknown threshold '\(parts[0])'; expected wait, sl or waiting (\(Self.syntax))")
            }
        }
    }

    public func level(wait seconds: Int) -> Level { Self.rising(seconds, wait) }

    public func level(waiting callers: Int) -> Level { Self.rising(callers, waiting) }

    /// nil (no calls yet today) is normal.
    public func level(serviceLevel percent: Double?) -> Level {
        guard let percent else { return .normal }
        if percent < Double(serviceLevel.alert) { return .alert }
        if percent < Double(serviceLevel.warning) { return .warning }
        return .normal
    }

    private static func rising(_ value: Int, _ limits: Limits) -> Level {
        if value >= limits.alert { return .alert }
        if value >= limits.warning { return .warning }
        return .normal
    }

    /// `wait=30/60,sl=80/60,waiting=3/6`: the option value that gives these thresholds.
    public var description: String {
        "wait=\(wait.warning)/\(wait.alert),sl=\(serviceLevel.warning)/\(serviceLevel.alert),waiting=\(waiting.warning)/\(waiting.alert)"
    }
}

/// A `--thresholds` value that does not parse; the message says what to type.
public struct ThresholdsError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
