/// Stores named opening-hours schedules. Errors are ``StoreError``s.
public protocol ScheduleRepository: Sendable {
    /// Validates and inserts a schedule, setting its timestamps. Throws `conflict` if the name exists.
    func create(_ record: ScheduleRecord) async throws -> ScheduleRecord
    func get(_ name: String) async throws -> ScheduleRecord?
    /// All schedules, by name.
    func list() async throws -> [ScheduleRecord]
    /// Replaces a schedule's fields (not its name or creation time) and returns it as stored.
    /// Throws `notFound` if it does not exist.
    func replace(_ record: ScheduleRecord) async throws -> ScheduleRecord
    @discardableResult
    func delete(_ name: String) async throws -> Bool
}

/// Stores the exchange's own holidays and workday swaps (the Hungarian ones are computed).
public protocol CalendarRepository: Sendable {
    /// Holidays by date.
    func holidays() async throws -> [HolidayRecord]
    /// Inserts or replaces the holiday of that date.
    func put(_ holiday: HolidayRecord) async throws
    @discardableResult
    func deleteHoliday(on date: String) async throws -> Bool
    /// Swaps by rest day.
    func swaps() async throws -> [WorkdaySwapRecord]
    /// Inserts a swap, replacing any swap with the same rest day or workday.
    func put(_ swap: WorkdaySwapRecord) async throws
    @discardableResult
    func deleteSwap(restDay: String) async throws -> Bool
}
