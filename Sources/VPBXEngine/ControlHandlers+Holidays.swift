import Foundation
import VPBXControl
import VPBXSchedule
import VPBXStore

/// `holiday.*` methods: one calendar for the whole exchange. The Hungarian holidays and the
/// decreed swaps are computed and cannot be removed; the administrator's days and swaps are
/// stored, and win over the built-in ones on the same date.
extension ControlHandlers {
    func registerHolidayMethods(on router: ControlRouter) {
        router.register(HolidayList.self) { params, _ in
            let year = params.year ?? Self.currentYear()
            guard (1900...2200).contains(year) else {
                throw RPCError.invalidArgument("year \(year) is out of range: give 1900 to 2200", field: "year")
            }
            return try await self.holidayInfos(year: year)
        }
        router.register(HolidayAdd.self) { params, _ in
            let date = try Self.date(params.date, field: "date")
            let ranges = try Self.dayRanges(params.hours ?? "")
            let record = HolidayRecord(
                date: date.description, name: params.name, hours: ranges.map(\.description).joined(separator: ","))
            try await self.storeCall { try await self.calendar.put(record) }
            try await self.reloadDialPlan()
            await self.publish("schedule", "holiday.added", ["date": .string(record.date)])
            return Self.info(record)
        }
        router.register(HolidayRemove.self) { params, _ in
            let date = try Self.date(params.date, field: "date")
            guard try await self.storeCall({ try await self.calendar.deleteHoliday(on: date.description) }) else {
                throw RPCError.notFound(
                    "no holiday of the exchange's own on \(date) (built-in Hungarian days cannot be removed; "
                        + "add a day with --hours to open on one)")
            }
            try await self.reloadDialPlan()
            await self.publish("schedule", "holiday.removed", ["date": .string(date.description)])
            return Acknowledged()
        }
        router.register(HolidaySwap.self) { params, _ in
            let rest = try Self.date(params.restDay, field: "restDay")
            let work = try Self.date(params.workday, field: "workday")
            let record = WorkdaySwapRecord(
                restDay: rest.description, workday: work.description, note: params.note ?? "")
            try await self.storeCall { try await self.calendar.put(record) }
            try await self.reloadDialPlan()
            await self.publish("schedule", "holiday.swapped", ["restDay": .string(record.restDay)])
            return Acknowledged()
        }
        router.register(HolidayUnswap.self) { params, _ in
            let rest = try Self.date(params.date, field: "date")
            guard try await self.storeCall({ try await self.calendar.deleteSwap(restDay: rest.description) }) else {
                throw RPCError.notFound("no swap of the exchange's own has the rest day \(rest)")
            }
            try await self.reloadDialPlan()
            await self.publish("schedule", "holiday.unswapped", ["restDay": .string(rest.description)])
            return Acknowledged()
        }
    }

    /// The exchange's calendar: built-in Hungarian days plus the stored ones.
    func holidayCalendar() async throws -> HolidayCalendar {
        let holidays = try await storeCall { try await self.calendar.holidays() }
        let swaps = try await storeCall { try await self.calendar.swaps() }
        return HolidayCalendar(
            includesHungarianHolidays: true,
            exceptions: holidays.compactMap { record in
                guard let date = LocalDate(iso: record.date), let hours = try? Self.dayRanges(record.hours) else {
                    return nil
                }
                return DayException(date: date, name: record.name, hours: hours)
            },
            customSwaps: swaps.compactMap { record in
                guard let rest = LocalDate(iso: record.restDay), let work = LocalDate(iso: record.workday) else {
                    return nil
                }
                return WorkdaySwap(
                    restDay: rest, workday: work, source: record.note.isEmpty ? "administrator" : record.note)
            })
    }

    private func holidayInfos(year: Int) async throws -> [HolidayInfo] {
        let stored = try await storeCall { try await self.calendar.holidays() }.filter { $0.date.hasPrefix("\(year)-") }
        let storedSwaps = try await storeCall { try await self.calendar.swaps() }
        var byDate: [String: [HolidayInfo]] = [:]
        for holiday in HungarianHolidays.statutory(in: year) {
            byDate[holiday.date.description, default: []].append(
                HolidayInfo(date: holiday.date.description, name: holiday.name, kind: .statutory, editable: false))
        }
        let builtInSwaps = HungarianHolidays.decreedSwaps.map { ($0, false) }
        let customSwaps = storedSwaps.compactMap { record -> (WorkdaySwap, Bool)? in
            guard let rest = LocalDate(iso: record.restDay), let work = LocalDate(iso: record.workday) else {
                return nil
            }
            return (WorkdaySwap(restDay: rest, workday: work, source: record.note), true)
        }
        for (swap, editable) in builtInSwaps + customSwaps {
            let source = swap.source.isEmpty ? nil : swap.source
            if swap.restDay.year == year {
                byDate[swap.restDay.description] = [
                    HolidayInfo(
                        date: swap.restDay.description, name: "Áthelyezett pihenőnap", kind: .restDay,
                        pairedWith: swap.workday.description, source: source, editable: editable)
                ]
            }
            if swap.workday.year == year {
                byDate[swap.workday.description] = [
                    HolidayInfo(
                        date: swap.workday.description, name: "Áthelyezett munkanap", kind: .workday,
                        pairedWith: swap.restDay.description, source: source, editable: editable)
                ]
            }
        }
        // The administrator's own day wins on its date, as it does in the evaluator.
        for record in stored { byDate[record.date] = [Self.info(record)] }
        return byDate.keys.sorted().flatMap { byDate[$0] ?? [] }
    }

    static func info(_ record: HolidayRecord) -> HolidayInfo {
        HolidayInfo(
            date: record.date, name: record.name, kind: .custom, hours: record.hours.isEmpty ? nil : record.hours,
            editable: true)
    }

    static func date(_ text: String, field: String) throws(RPCError) -> LocalDate {
        guard let date = LocalDate(iso: text) else {
            throw RPCError.invalidArgument("\(ScheduleError.badDate(text))", field: field)
        }
        return date
    }

    /// `08:00-12:00,13:00-15:00`; empty: no ranges (closed all day).
    static func dayRanges(_ text: String) throws(RPCError) -> [TimeRange] {
        var ranges: [TimeRange] = []
        for item in text.split(separator: ",") {
            guard let range = TimeRange(parsing: String(item)) else {
                throw RPCError.invalidArgument("hours: \(ScheduleError.badRange(String(item)))", field: "hours")
            }
            ranges.append(range)
        }
        return ranges
    }

    static func currentYear() -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: ScheduleRecord.defaultTimeZone) ?? .gmt
        return calendar.component(.year, from: Date())
    }
}
