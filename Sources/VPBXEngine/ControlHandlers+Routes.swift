import Foundation
import VPBXControl
import VPBXPBX
import VPBXSchedule
import VPBXStore
import VPBXText

/// `route.*` and `timecondition.*`: the dial plan. The store holds it as text; after every
/// change (including schedules, holidays and overrides, which time conditions evaluate) the
/// whole plan is rebuilt and handed to the core, which routes from memory.
extension ControlHandlers {
    func registerRouteMethods(on router: ControlRouter) {
        router.register(RouteCreate.self) { params, _ in
            // A DID however typed is kept in E.164, as calls from trunks are routed.
            let number = PublicNumber.routeNumber(params.number)
            let destination = try await self.checkedDestination(params.destination, field: "destination")
            if try await self.storeCall({ try await self.extensions.get(number) }) != nil {
                throw RPCError.conflict("\(number) is an extension; a route needs a number of its own")
            }
            let record = RouteRecord(number: number, destination: destination.description)
            try await self.storeCall { try await self.dialPlan.create(record) }
            try await self.reloadDialPlan()
            await self.publish("dialplan", "route.created", ["number": .string(record.number)])
            return RouteInfo(number: record.number, destination: record.destination)
        }
        router.register(RouteList.self) { _, _ in
            try await self.storeCall { try await self.dialPlan.routes() }.map {
                RouteInfo(number: $0.number, destination: $0.destination)
            }
        }
        router.register(RouteDelete.self) { params, _ in
            let number = PublicNumber.routeNumber(params.number)
            guard
                let record = try await self.storeCall({ try await self.dialPlan.routes() }).first(where: {
                    $0.number == number
                })
            else {
                throw RPCError.notFound("no route for \(number) (see vpbx route list)")
            }
            _ = try await self.storeCall { try await self.dialPlan.deleteRoute(number) }
            try await self.reloadDialPlan()
            await self.publish("dialplan", "route.deleted", ["number": .string(record.number)])
            return RouteInfo(number: record.number, destination: record.destination)
        }
        registerTimeConditionMethods(on: router)
    }

    private func registerTimeConditionMethods(on router: ControlRouter) {
        router.register(TimeConditionCreate.self) { params, _ in
            guard let schedule = params.schedule, let open = params.open, let closed = params.closed else {
                throw RPCError.invalidArgument("a time condition needs schedule, open and closed", field: "schedule")
            }
            let record = TimeConditionRecord(
                name: params.name, schedule: schedule,
                openDestination: try await self.checkedDestination(open, field: "open").description,
                closedDestination: try await self.checkedDestination(closed, field: "closed").description)
            try await self.storeCall { try await self.dialPlan.create(record) }
            try await self.reloadDialPlan()
            await self.publish("dialplan", "timecondition.created", ["name": .string(record.name)])
            return try await self.timeConditionInfo(record)
        }
        router.register(TimeConditionUpdate.self) { params, _ in
            var record = try await self.existingTimeCondition(params.name)
            if let schedule = params.schedule { record.schedule = schedule }
            if let open = params.open {
                record.openDestination = try await self.checkedDestination(open, field: "open").description
            }
            if let closed = params.closed {
                record.closedDestination = try await self.checkedDestination(closed, field: "closed").description
            }
            let changes = record
            try await self.storeCall { try await self.dialPlan.replace(changes) }
            try await self.reloadDialPlan()
            await self.publish("dialplan", "timecondition.updated", ["name": .string(record.name)])
            return try await self.timeConditionInfo(record)
        }
        router.register(TimeConditionList.self) { _, _ in
            var infos: [TimeConditionInfo] = []
            for record in try await self.storeCall({ try await self.dialPlan.timeConditions() }) {
                infos.append(try await self.timeConditionInfo(record))
            }
            return infos
        }
        router.register(TimeConditionDelete.self) { params, _ in
            let record = try await self.existingTimeCondition(params.name)
            let users = try await self.users(of: "time:\(params.name)")
            guard users.isEmpty else {
                throw RPCError.conflict(
                    "time condition \(params.name) is used by \(users.joined(separator: ", ")); change those first")
            }
            let info = try await self.timeConditionInfo(record)
            _ = try await self.storeCall { try await self.dialPlan.deleteTimeCondition(params.name) }
            try await self.reloadDialPlan()
            await self.publish("dialplan", "timecondition.deleted", ["name": .string(params.name)])
            return info
        }
    }

    /// What names `reference` (`time:day`, `ivr:main`): routes, time conditions, menus.
    func users(of reference: String) async throws -> [String] {
        let routes = try await storeCall { try await self.dialPlan.routes() }
        let conditions = try await storeCall { try await self.dialPlan.timeConditions() }
        let menus = try await storeCall { try await self.menus.list() }
        return routes.filter { $0.destination == reference }.map { "route \($0.number)" }
            + conditions.filter { $0.openDestination == reference || $0.closedDestination == reference }.map {
                "time condition \($0.name)"
            }
            + menus.filter {
                $0.options.values.contains(reference) || $0.timeoutDestination == reference
                    || $0.invalidDestination == reference
            }.map { "menu \($0.name)" }
    }

    /// Rebuilds the dial plan from the store and gives it to the core.
    func reloadDialPlan() async throws {
        var plan = DialPlan()
        for route in try await storeCall({ try await self.dialPlan.routes() }) {
            guard let destination = try? Destination(parsing: route.destination) else { continue }
            plan.routes[route.number] = destination
        }
        let schedules = Dictionary(
            try await storeCall { try await self.schedules.list() }.map { ($0.name, $0) },
            uniquingKeysWith: { first, _ in first })
        for record in try await storeCall({ try await self.dialPlan.timeConditions() }) {
            guard let schedule = schedules[record.schedule],
                let open = try? Destination(parsing: record.openDestination),
                let closed = try? Destination(parsing: record.closedDestination)
            else { continue }
            plan.timeConditions[record.name] = TimeCondition(
                name: record.name, scheduleName: schedule.name, hours: try await openingHours(schedule),
                override: Self.override(of: schedule), whenOpen: open, whenClosed: closed)
        }
        for record in try await storeCall({ try await self.menus.list() }) {
            let parse = { (text: String) in (try? Destination(parsing: text)) ?? .hangup }
            plan.menus[record.name] = MenuDefinition(
                name: record.name, greeting: record.greeting,
                options: Dictionary(
                    record.options.compactMap { key, text in key.first.map { ($0, parse(text)) } },
                    uniquingKeysWith: { first, _ in first }),
                timeoutSeconds: record.timeoutSeconds, attempts: record.attempts, directDial: record.directDial,
                onTimeout: parse(record.timeoutDestination), onInvalid: parse(record.invalidDestination))
        }
        plan.mailboxes = Set(
            try await storeCall { try await self.voicemailStore.enabledMailboxNumbers() })
        plan.featureCodes = try await currentFeatureCodes()
        plan.trunks = try await loadTrunks()
        plan.outboundRoutes = try await loadOutboundRoutes(schedules: schedules)
        plan.conferenceRooms = try await loadConferenceRooms()
        plan.localDialling = try await storeCall { try await self.dialPlan.numbering() }.localDialling
        await pbx.setDialPlan(plan)
    }

    static func override(of record: ScheduleRecord) -> VPBXSchedule.ScheduleOverride? {
        record.overrideMode.flatMap(VPBXSchedule.ScheduleOverride.Mode.init(rawValue:)).map {
            VPBXSchedule.ScheduleOverride(mode: $0, until: record.overrideUntil)
        }
    }

    /// Parses a destination and checks that what it names exists, so a typo is caught when it
    /// is typed, not when a caller meets it.
    func checkedDestination(_ text: String, field: String) async throws -> Destination {
        let destination: Destination
        do {
            destination = try Destination(parsing: text)
        } catch {
            throw RPCError.invalidArgument("\(error)", field: field)
        }
        switch destination {
        case .extension(let number):
            guard try await storeCall({ try await self.extensions.get(number) }) != nil else {
                throw RPCError.notFound("\(field) \(text): extension \(number) does not exist")
            }
        case .timeCondition(let name):
            _ = try await existingTimeCondition(name)
        case .menu(let name):
            _ = try await existingMenu(name)
        case .playback:
            break  // a missing prompt falls back to the other language, then is skipped (logged)
        case .conference:
            break  // rooms are made when the first caller comes
        case .hangup:
            break
        case .queue(let name):
            guard try await storeCall({ try await self.queues.get(name) }) != nil else {
                throw RPCError.notFound("\(field) \(text): queue \(name) does not exist (see vpbx queue list)")
            }
        case .voicemail(let number):
            let mailbox = try await storeCall { try await self.voicemailStore.mailbox(number) }
            guard mailbox?.enabled == true else {
                throw RPCError.notFound(
                    "\(field) \(text): extension \(number) has no mailbox (vpbx ext set \(number) --voicemail on)")
            }
        }
        return destination
    }

    private func existingTimeCondition(_ name: String) async throws -> TimeConditionRecord {
        guard
            let record = try await storeCall({ try await self.dialPlan.timeConditions() }).first(where: {
                $0.name == name
            })
        else {
            throw RPCError.notFound("time condition \(name) does not exist (see vpbx timecond list)")
        }
        return record
    }

    private func timeConditionInfo(_ record: TimeConditionRecord) async throws -> TimeConditionInfo {
        guard let schedule = try await storeCall({ try await self.schedules.get(record.schedule) }) else {
            throw RPCError.notFound("schedule \(record.schedule) does not exist")
        }
        let info = try await scheduleInfo(schedule, at: Date())
        return TimeConditionInfo(
            name: record.name, schedule: record.schedule, open: record.openDestination,
            closed: record.closedDestination,
            status: info.status)
    }
}
