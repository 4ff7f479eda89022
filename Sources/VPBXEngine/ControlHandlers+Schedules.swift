import Foundation
import VPBXControl
import VPBXSchedule
import VPBXStore

/// `schedule.*` methods: the store keeps the administrator's notation, VPBXSchedule parses and
/// evaluates it. Every answer carries the schedule's state now, so `vpbx schedule list` shows
/// at a glance what callers meet.
extension ControlHandlers {
    func registerScheduleMethods(on router: ControlRouter) {
        router.register(ScheduleCreate.self) { params, _ in
            let weekly = try Self.weekly(params.hours)
            let zone = try Self.timeZone(params.timeZone ?? ScheduleRecord.defaultTimeZone)
            let record = ScheduleRecord(
                name: params.name, weekly: weekly.notation, timeZone: zone.identifier,
                observesHolidays: params.holidays ?? true)
            let created = try await self.storeCall { try await self.schedules.create(record) }
            await self.publish("schedule", "schedule.created", ["name": .string(created.name)])
            return try await self.scheduleInfo(created, at: Date())
        }
        router.register(ScheduleList.self) { _, _ in
            let now = Date()
            var infos: [ScheduleInfo] = []
            for record in try await self.storeCall({ try await self.schedules.list() }) {
                infos.append(try await self.scheduleInfo(record, at: now))
            }
            return infos
        }
        router.register(ScheduleGet.self) { params, _ in
            try await self.scheduleInfo(try await self.existingSchedule(params.name), at: params.at ?? Date())
        }
        router.register(ScheduleUpdate.self) { params, _ in
            var record = try await self.existingSchedule(params.name)
            if let hours = params.hours { record.weekly = try Self.weekly(hours).notation }
            if let zone = params.timeZone { record.timeZone = try Self.timeZone(zone).identifier }
            if let holidays = params.holidays { record.observesHolidays = holidays }
            let changes = record
            let updated = try await self.storeCall { try await self.schedules.replace(changes) }
            try await self.reloadDialPlan()
            await self.publish("schedule", "schedule.updated", ["name": .string(updated.name)])
            return try await self.scheduleInfo(updated, at: Date())
        }
        router.register(ScheduleDelete.self) { params, _ in
            let record = try await self.existingSchedule(params.name)
            let users = try await self.storeCall { try await self.dialPlan.timeConditions() }.filter {
                $0.schedule == params.name
            }
            guard users.isEmpty else {
                throw RPCError.conflict(
                    "schedule \(params.name) is used by time condition \(users.map(\.name).joined(separator: ", ")); change those first"
                )
            }
            let routes = try await self.outboundRoutes(following: params.name)
            guard routes.isEmpty else {
                throw RPCError.conflict(
                    "schedule \(params.name) is followed by outbound route \(routes.joined(separator: ", ")); change those first")
            }
            let info = try await self.scheduleInfo(record, at: Date())
            _ = try await self.storeCall { try await self.schedules.delete(params.name) }
            try await self.reloadDialPlan()
            await self.publish("schedule", "schedule.deleted", ["name": .string(params.name)])
            return info
        }
        router.register(ScheduleSetOverride.self) { params, context in
            var record = try await self.existingSchedule(params.name)
            let now = Date()
            if let until = params.until, until <= now {
                throw RPCError.invalidArgument(
                    "override end \(RPCCoding.formatDate(until)) is in the past: give a future moment, or none",
                    field: "until")
            }
            switch params.mode {
            case .clear:
                record.overrideMode = nil
                record.overrideUntil = nil
            case .open, .closed:
                record.overrideMode = params.mode.rawValue
                record.overrideUntil = params.until
            }
            let changes = record
            let updated = try await self.storeCall { try await self.schedules.replace(changes) }
            try await self.reloadDialPlan()
            await self.publish(
                "schedule", "schedule.override",
                [
                    "name": .string(updated.name), "mode": .string(params.mode.rawValue),
                    "by": .string(context.role.rawValue),
                ])
            return try await self.scheduleInfo(updated, at: now)
        }
    }

    func existingSchedule(_ name: String) async throws -> ScheduleRecord {
        guard let record = try await storeCall({ try await self.schedules.get(name) }) else {
            throw RPCError.notFound("schedule \(name) does not exist (see vpbx schedule list)")
        }
        return record
    }

    /// The schedule's hours with the calendar it observes, evaluated at `instant`.
    func scheduleInfo(_ record: ScheduleRecord, at instant: Date) async throws -> ScheduleInfo {
        let hours = try await openingHours(record)
        let override = Self.override(of: record)
        let decision = hours.decision(at: instant, override: override)
        let activeOverride = override.flatMap { override in
            override.isActive(at: instant)
                ? ScheduleOverrideInfo(mode: override.mode == .open ? .open : .closed, until: override.until) : nil
        }
        return ScheduleInfo(
            name: record.name, hours: hours.weekly.notation, timeZone: record.timeZone,
            holidays: record.observesHolidays,
            override: activeOverride, status: Self.status(decision))
    }

    func openingHours(_ record: ScheduleRecord) async throws -> OpeningHours {
        let calendar =
            record.observesHolidays ? try await holidayCalendar() : HolidayCalendar(includesHungarianHolidays: false)
        do {
            return try OpeningHours(
                weekly: WeeklySchedule(parsing: record.weekly), calendar: calendar, timeZoneNamed: record.timeZone)
        } catch {
            // Stored values were validated on the way in; this means a time zone vanished from tzdata.
            throw RPCError.internal("schedule \(record.name) cannot be evaluated: \(error)")
        }
    }

    static func status(_ decision: ScheduleDecision) -> ScheduleStatus {
        let (reason, detail): (ScheduleReasonKind, String) =
            switch decision.reason {
            case .weekly(let weekday, nil): (.weekly, "weekly hours (\(weekday.shortName))")
            case .weekly(let weekday, let swap?):
                (.workday, "worked in exchange for \(swap.restDay), with \(weekday.shortName) hours")
            case .holiday(let holiday):
                switch holiday.kind {
                case .statutory: (.holiday, holiday.name)
                case .restDay: (.restDay, holiday.name)
                case .custom: (.custom, holiday.name)
                }
            case .exception(let exception):
                (
                    .custom,
                    exception.hours.isEmpty
                        ? exception.name
                        : "\(exception.name) (\(exception.hours.map(\.description).joined(separator: ",")))"
                )
            case .override(let override):
                (
                    .override,
                    "forced \(override.mode.rawValue)"
                        + (override.until.map { " until \(RPCCoding.formatDate($0))" } ?? "")
                )
            }
        return ScheduleStatus(open: decision.isOpen, reason: reason, detail: detail, nextChange: decision.nextChange)
    }

    static func weekly(_ hours: String) throws(RPCError) -> WeeklySchedule {
        do {
            return try WeeklySchedule(parsing: hours)
        } catch {
            throw RPCError.invalidArgument("hours: \(error)", field: "hours")
        }
    }

    static func timeZone(_ identifier: String) throws(RPCError) -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else {
            throw RPCError.invalidArgument(
                "\(ScheduleError.unknownTimeZone(identifier))", field: "timeZone")
        }
        return zone
    }
}
