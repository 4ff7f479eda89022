import Foundation

/// Why a schedule, holiday or override given by an administrator was refused. The message
/// says what was wrong and what to write instead.
public struct ScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Equatable {
        case badClause(String)
        case badRange(String)
        case badDay(String)
        case badDate(String)
        case unknownTimeZone(String)
    }

    private let kind: Kind

    public static func badClause(_ text: String) -> ScheduleError { .init(kind: .badClause(text)) }
    public static func badRange(_ text: String) -> ScheduleError { .init(kind: .badRange(text)) }
    public static func badDay(_ text: String) -> ScheduleError { .init(kind: .badDay(text)) }
    public static func badDate(_ text: String) -> ScheduleError { .init(kind: .badDate(text)) }
    public static func unknownTimeZone(_ text: String) -> ScheduleError { .init(kind: .unknownTimeZone(text)) }

    public var description: String {
        switch kind {
        case .badClause(let text):
            "'\(text.trimmingCharacters(in: .whitespaces))' is not a schedule clause: write DAYS RANGES, e.g. 'mon-fri 08:00-17:00' or 'sat closed'"
        case .badRange(let text):
            "'\(text)' is not a time range: write HH:MM-HH:MM, e.g. 08:00-12:30 (22:00-06:00 runs past midnight)"
        case .badDay(let text):
            "'\(text)' is not a day: use mon, tue, wed, thu, fri, sat, sun (or h, k, sze, cs, p, szo, v), a range like mon-fri or a list like mon/wed"
        case .badDate(let text):
            "'\(text)' is not a date: write YYYY-MM-DD, e.g. 2026-12-24"
        case .unknownTimeZone(let text):
            "unknown time zone '\(text)': use an IANA name such as Europe/Budapest (is tzdata installed?)"
        }
    }
}
