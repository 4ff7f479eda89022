/// Hungary's public holidays (munkaszüneti napok) as the Labour Code (2012. évi I. törvény,
/// 102. §) lists them, computed for any year, plus the government's published workday swaps.
public enum HungarianHolidays {
    /// The statutory holidays of `year`, in date order. Good Friday counts from 2017, when it
    /// became a holiday; the other days are those of the current Labour Code.
    public static func statutory(in year: Int) -> [Holiday] {
        let easter = Easter.sunday(of: year)
        var days: [Holiday] = [
            fixed(year, 1, 1, "Újév", "New Year's Day"),
            fixed(year, 3, 15, "Nemzeti ünnep", "National Day (1848 Revolution)"),
            Holiday(date: easter, name: "Húsvétvasárnap", englishName: "Easter Sunday", kind: .statutory),
            Holiday(date: easter.adding(days: 1), name: "Húsvéthétfő", englishName: "Easter Monday", kind: .statutory),
            fixed(year, 5, 1, "A munka ünnepe", "Labour Day"),
            Holiday(
                date: easter.adding(days: 49), name: "Pünkösdvasárnap", englishName: "Whit Sunday", kind: .statutory),
            Holiday(date: easter.adding(days: 50), name: "Pünkösdhétfő", englishName: "Whit Monday", kind: .statutory),
            fixed(year, 8, 20, "Az államalapítás ünnepe", "State Foundation Day"),
            fixed(year, 10, 23, "Nemzeti ünnep", "National Day (1956 Revolution)"),
            fixed(year, 11, 1, "Mindenszentek", "All Saints' Day"),
            fixed(year, 12, 25, "Karácsony", "Christmas Day"),
            fixed(year, 12, 26, "Karácsony másnapja", "Second Day of Christmas"),
        ]
        if year >= 2017 {
            days.append(
                Holiday(date: easter.adding(days: -2), name: "Nagypéntek", englishName: "Good Friday", kind: .statutory)
            )
        }
        return days.sorted { $0.date < $1.date }
    }

    /// The swaps decreed so far. Each year's decree appears in the spring of the year before;
    /// later years are added by the administrator (`vpbx holiday swap`) until a release ships them.
    public static let decreedSwaps: [WorkdaySwap] = [
        swap(rest: (2025, 5, 2), work: (2025, 5, 17), "11/2024. (IV. 8.) NGM rendelet"),
        swap(rest: (2025, 10, 24), work: (2025, 10, 18), "11/2024. (IV. 8.) NGM rendelet"),
        swap(rest: (2025, 12, 24), work: (2025, 12, 13), "11/2024. (IV. 8.) NGM rendelet"),
        swap(rest: (2026, 1, 2), work: (2026, 1, 10), "10/2025. (IV. 30.) NGM rendelet"),
        swap(rest: (2026, 8, 21), work: (2026, 8, 8), "10/2025. (IV. 30.) NGM rendelet"),
        swap(rest: (2026, 12, 24), work: (2026, 12, 12), "10/2025. (IV. 30.) NGM rendelet"),
    ]

    /// The years whose decree `decreedSwaps` carries.
    public static var yearsWithDecree: Set<Int> { Set(decreedSwaps.map(\.restDay.year)) }

    private static func fixed(_ year: Int, _ month: Int, _ day: Int, _ name: String, _ english: String) -> Holiday {
        Holiday(date: date(year, month, day), name: name, englishName: english, kind: .statutory)
    }

    private static func swap(rest: (Int, Int, Int), work: (Int, Int, Int), _ source: String) -> WorkdaySwap {
        WorkdaySwap(restDay: date(rest.0, rest.1, rest.2), workday: date(work.0, work.1, work.2), source: source)
    }

    private static func date(_ year: Int, _ month: Int, _ day: Int) -> LocalDate {
        guard let date = LocalDate(year: year, month: month, day: day) else {
            preconditionFailure("built-in holiday \(year)-\(month)-\(day) does not exist")
        }
        return date
    }
}
