/// A day an administrator gave its own hours: closed all day (a company holiday) or open only
/// in `hours` (Christmas Eve 08:00-12:00). It wins over every other rule for that date.
public struct DayException: Sendable, Hashable, Codable {
    public let date: LocalDate
    public let name: String
    /// Empty: closed all day.
    public let hours: [TimeRange]

    public init(date: LocalDate, name: String, hours: [TimeRange] = []) {
        self.date = date
        self.name = name
        self.hours = hours.sorted { $0.start < $1.start }
    }
}

/// What governs a date's opening hours, strongest first: an administrator's exception, a
/// workday swap (custom, then decreed), a statutory holiday, the weekly schedule.
public enum DayRule: Sendable, Hashable {
    /// The weekly hours of `weekday` apply (the date's own weekday, or for a swapped Saturday
    /// the weekday of the rest day it replaces).
    case weekly(Weekday, swap: WorkdaySwap?)
    case holiday(Holiday)
    case exception(DayException)
}

/// Holidays and exceptions, for the schedule evaluator. Pure data: the store keeps the custom
/// parts, the Hungarian ones are computed.
public struct HolidayCalendar: Sendable, Hashable {
    /// Whether the statutory Hungarian holidays and the decreed swaps apply.
    public var includesHungarianHolidays: Bool
    public private(set) var exceptions: [LocalDate: DayException]
    public private(set) var customSwaps: [WorkdaySwap]

    public init(
        includesHungarianHolidays: Bool = true, exceptions: [DayException] = [], customSwaps: [WorkdaySwap] = []
    ) {
        self.includesHungarianHolidays = includesHungarianHolidays
        self.exceptions = Dictionary(exceptions.map { ($0.date, $0) }, uniquingKeysWith: { _, last in last })
        self.customSwaps = customSwaps
    }

    public mutating func add(_ exception: DayException) { exceptions[exception.date] = exception }
    public mutating func removeException(on date: LocalDate) { exceptions[date] = nil }
    public mutating func add(_ swap: WorkdaySwap) {
        customSwaps.removeAll { $0.restDay == swap.restDay || $0.workday == swap.workday }
        customSwaps.append(swap)
    }

    public func rule(on date: LocalDate) -> DayRule {
        if let exception = exceptions[date] { return .exception(exception) }
        let swaps = customSwaps + (includesHungarianHolidays ? HungarianHolidays.decreedSwaps : [])
        if let swap = swaps.first(where: { $0.restDay == date }) {
            let name =
                includesHungarianHolidays && swap.restDay.month == 12 && swap.restDay.day == 24
                ? "Szenteste (pihenőnap)" : "Áthelyezett pihenőnap"
            return .holiday(Holiday(date: date, name: name, englishName: "Rest day (swapped)", kind: .restDay))
        }
        if let swap = swaps.first(where: { $0.workday == date }) {
            return .weekly(swap.restDay.weekday, swap: swap)
        }
        if includesHungarianHolidays,
            let holiday = HungarianHolidays.statutory(in: date.year).first(where: { $0.date == date })
        {
            return .holiday(holiday)
        }
        return .weekly(date.weekday, swap: nil)
    }

    /// Every closed day of `year` this calendar knows, statutory, decreed and custom, in order.
    public func closedDays(in year: Int) -> [Holiday] {
        var dates = Set<LocalDate>()
        if includesHungarianHolidays { dates.formUnion(HungarianHolidays.statutory(in: year).map(\.date)) }
        dates.formUnion(
            (customSwaps + (includesHungarianHolidays ? HungarianHolidays.decreedSwaps : [])).map(\.restDay))
        dates.formUnion(exceptions.keys)
        return dates.filter { $0.year == year }.sorted().compactMap { date in
            switch rule(on: date) {
            case .holiday(let holiday): holiday
            case .exception(let exception) where exception.hours.isEmpty:
                Holiday(date: date, name: exception.name, englishName: exception.name, kind: .custom)
            default: nil
            }
        }
    }
}
