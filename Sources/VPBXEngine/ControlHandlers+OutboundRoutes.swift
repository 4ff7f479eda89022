import Foundation
import VPBXControl
import VPBXPBX
import VPBXStore
import VPBXText

/// `outroute.*`: outbound routes (least-cost routing) are part of the dial plan
/// (docs/trunks.md); every change rebuilds it, so the next call out uses it.
extension ControlHandlers {
    func registerOutboundRouteMethods(on router: ControlRouter) {
        router.register(OutboundRouteCreate.self) { params, _ in
            guard params.prefixes != nil else {
                throw RPCError.invalidArgument("an outbound route needs at least one prefix", field: "prefixes")
            }
            guard params.trunks != nil else {
                throw RPCError.invalidArgument("an outbound route needs at least one trunk", field: "trunks")
            }
            var record = OutboundRouteRecord(name: params.name, prefixes: [], trunks: [])
            try await apply(params, to: &record)
            let created = record
            try await self.storeCall { try await self.dialPlan.create(created) }
            try await self.reloadDialPlan()
            await self.publish("dialplan", "outroute.created", ["name": .string(record.name)])
            return Self.outboundRouteInfo(record)
        }
        router.register(OutboundRouteList.self) { _, _ in
            try await self.storeCall { try await self.dialPlan.outboundRoutes() }.map(Self.outboundRouteInfo)
        }
        router.register(OutboundRouteGet.self) { params, _ in
            Self.outboundRouteInfo(try await existingOutboundRoute(params.name))
        }
        router.register(OutboundRouteUpdate.self) { params, _ in
            var record = try await existingOutboundRoute(params.name)
            try await apply(params, to: &record)
            let changed = record
            try await self.storeCall { try await self.dialPlan.replace(changed) }
            try await self.reloadDialPlan()
            await self.publish("dialplan", "outroute.updated", ["name": .string(record.name)])
            return Self.outboundRouteInfo(record)
        }
        router.register(OutboundRouteDelete.self) { params, _ in
            let record = try await existingOutboundRoute(params.name)
            _ = try await self.storeCall { try await self.dialPlan.deleteOutboundRoute(params.name) }
            try await self.reloadDialPlan()
            await self.publish("dialplan", "outroute.deleted", ["name": .string(record.name)])
            return Self.outboundRouteInfo(record)
        }
        router.register(OutboundRouteTest.self) { params, _ in
            guard let number = PublicNumber(dialled: params.number, local: try await self.localDialling()) else {
                throw RPCError.invalidArgument(
                    "'\(params.number)' is no public number (06 30 123 4567, +49..., 112)", field: "number")
            }
            let choice = await self.pbx.outboundChoice(for: number, caller: params.caller)
            return OutboundRouteTestResult(
                number: number.e164, reach: "\(number.reach)", route: choice.route,
                attempts: choice.trunks.map { OutboundAttempt(trunk: $0.name, dialled: $0.dialled, shown: $0.shown) })
        }
    }

    private func existingOutboundRoute(_ name: String) async throws -> OutboundRouteRecord {
        let routes = try await storeCall { try await self.dialPlan.outboundRoutes() }
        guard let record = routes.first(where: { $0.name == name }) else {
            throw RPCError.notFound("no outbound route \(name) (see vpbx outroute list)")
        }
        return record
    }

    /// The given lists onto `record`: prefixes as typed become E.164, trunks must exist (a
    /// typo would otherwise leave the route's numbers without a trunk: 503). The store checks
    /// the rest.
    private func apply(_ params: OutboundRouteParams, to record: inout OutboundRouteRecord) async throws {
        if let prefixes = params.prefixes {
            record.prefixes = []
            for typed in prefixes {
                do {
                    record.prefixes.append(try NumberPrefix.normalize(typed).get())
                } catch {
                    throw RPCError.invalidArgument("prefix '\(typed)': \(error)", field: "prefixes")
                }
            }
        }
        if let trunks = params.trunks {
            let known = Set(try await storeCall { try await self.dialPlan.trunks() }.map(\.name))
            for name in trunks where !known.contains(name) {
                throw RPCError.notFound("no trunk \(name) (see vpbx trunk list)")
            }
            record.trunks = trunks
        }
        if let callers = params.callers { record.callers = callers }
        try await applySchedule(params, to: &record)
        if let callerID = params.callerID { record.callerID = try Self.normalizedNumber(callerID, field: "callerID") }
        if let prepend = params.prepend { record.prepend = prepend }
        if let overrides = params.overridesExtensionCallerID { record.overridesExtensionCallerID = overrides }
    }

    /// A schedule must exist (a typo would leave the route never holding); a state alone
    /// applies to the schedule the route has.
    private func applySchedule(_ params: OutboundRouteParams, to record: inout OutboundRouteRecord) async throws {
        if let state = params.scheduleState {
            guard let parsed = OutboundRouteRecord.ScheduleState(rawValue: state) else {
                throw RPCError.invalidArgument("schedule state '\(state)' is neither open nor closed", field: "scheduleState")
            }
            record.scheduleState = parsed
        }
        guard let schedule = params.schedule else {
            guard params.scheduleState == nil || record.schedule != nil else {
                throw RPCError.invalidArgument(
                    "outbound route \(record.name) has no schedule for a state to apply to", field: "scheduleState")
            }
            return
        }
        if schedule.isEmpty {
            (record.schedule, record.scheduleState) = (nil, .open)
            return
        }
        _ = try await existingSchedule(schedule)
        record.schedule = schedule
        if params.scheduleState == nil { record.scheduleState = .open }
    }

    static func outboundRouteInfo(_ record: OutboundRouteRecord) -> OutboundRouteInfo {
        var info = OutboundRouteInfo(
            name: record.name, prefixes: record.prefixes, trunks: record.trunks, callers: record.callers,
            schedule: record.schedule, scheduleState: record.schedule.map { _ in record.scheduleState.rawValue },
            callerID: record.callerID, prepend: record.prepend.isEmpty ? nil : record.prepend)
        info.overridesExtensionCallerID = record.overridesExtensionCallerID
        return info
    }

    /// The dial plan's outbound routes from the store's rows; callers that cannot be read
    /// (written by a newer engine) are left out and logged. A route whose schedule is gone
    /// never holds (logged): carrying calls at all hours would be the opposite of its intent.
    func loadOutboundRoutes(schedules: [String: ScheduleRecord]) async throws -> [OutboundRoute] {
        var routes: [OutboundRoute] = []
        for record in try await storeCall({ try await self.dialPlan.outboundRoutes() }) {
            let callers = record.callers.compactMap(OutboundRoute.CallerRange.init)
            if callers.count != record.callers.count {
                logger.error(
                    "outbound route callers left out: not extension numbers", metadata: ["route": "\(record.name)"])
            }
            var condition: OutboundRoute.Condition?
            if let name = record.schedule {
                guard let schedule = schedules[name] else {
                    logger.error("outbound route left out: its schedule is gone", metadata: ["route": "\(record.name)"])
                    continue
                }
                condition = OutboundRoute.Condition(
                    hours: try await openingHours(schedule), override: Self.override(of: schedule),
                    whileOpen: record.scheduleState == .open)
            }
            routes.append(
                OutboundRoute(
                    name: record.name, prefixes: record.prefixes, trunks: record.trunks, callers: callers,
                    schedule: condition, callerID: record.callerID, prepend: record.prepend,
                    overridesExtensionCallerID: record.overridesExtensionCallerID))
        }
        return routes
    }

    /// The outbound routes following schedule `name`: it cannot be removed while they do.
    func outboundRoutes(following schedule: String) async throws -> [String] {
        try await storeCall { try await self.dialPlan.outboundRoutes() }.filter { $0.schedule == schedule }.map(\.name)
    }

    /// The outbound routes naming trunk `name`: it cannot be removed while they do.
    func outboundRoutes(naming trunk: String) async throws -> [String] {
        try await storeCall { try await self.dialPlan.outboundRoutes() }.filter { $0.trunks.contains(trunk) }.map(\.name)
    }
}
