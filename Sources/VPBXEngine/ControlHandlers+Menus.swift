import Foundation
import VPBXControl
import VPBXPBX
import VPBXStore

/// `ivr.*`: IVR menus. Every destination a menu names is checked when it is typed, like
/// routes and time conditions.
extension ControlHandlers {
    func registerMenuMethods(on router: ControlRouter) {
        router.register(MenuCreate.self) { params, _ in
            guard let greeting = params.greeting else {
                throw RPCError.invalidArgument("a menu needs a greeting prompt", field: "greeting")
            }
            var record = MenuRecord(name: params.name, greeting: greeting)
            try await self.apply(params, to: &record)
            let created = record
            try await self.storeCall { try await self.menus.create(created) }
            try await self.reloadDialPlan()
            await self.publish("dialplan", "ivr.created", ["name": .string(created.name)])
            return Self.info(created)
        }
        router.register(MenuUpdate.self) { params, _ in
            var record = try await self.existingMenu(params.name)
            if let greeting = params.greeting { record.greeting = greeting }
            for key in params.removeOptions ?? [] { record.options[key] = nil }
            try await self.apply(params, to: &record)
            let updated = record
            try await self.storeCall { try await self.menus.replace(updated) }
            try await self.reloadDialPlan()
            await self.publish("dialplan", "ivr.updated", ["name": .string(updated.name)])
            return Self.info(updated)
        }
        router.register(MenuList.self) { _, _ in
            try await self.storeCall { try await self.menus.list() }.map(Self.info)
        }
        router.register(MenuGet.self) { params, _ in
            Self.info(try await self.existingMenu(params.name))
        }
        router.register(MenuDelete.self) { params, _ in
            let record = try await self.existingMenu(params.name)
            let users = try await self.users(of: "ivr:\(params.name)").filter { $0 != "menu \(params.name)" }
            guard users.isEmpty else {
                throw RPCError.conflict(
                    "menu \(params.name) is used by \(users.joined(separator: ", ")); change those first")
            }
            _ = try await self.storeCall { try await self.menus.delete(params.name) }
            try await self.reloadDialPlan()
            await self.publish("dialplan", "ivr.deleted", ["name": .string(params.name)])
            return Self.info(record)
        }
    }

    /// The fields every menu method may set, checked (destinations must exist; a menu may
    /// name itself, e.g. `*` to hear it again).
    private func apply(_ params: MenuParams, to record: inout MenuRecord) async throws {
        for (key, text) in params.options ?? [:] {
            guard key.count == 1, let character = key.first, MenuDefinition.keys.contains(character) else {
                throw RPCError.invalidArgument("option '\(key)' is not a key: use 0-9, * or #", field: "options")
            }
            record.options[key] = try await menuDestination(text, field: "option \(key)", menu: record.name)
        }
        if let timeout = params.timeout { record.timeoutSeconds = timeout }
        if let attempts = params.attempts { record.attempts = attempts }
        if let directDial = params.directDial { record.directDial = directDial }
        if let text = params.onTimeout {
            record.timeoutDestination = try await menuDestination(text, field: "onTimeout", menu: record.name)
        }
        if let text = params.onInvalid {
            record.invalidDestination = try await menuDestination(text, field: "onInvalid", menu: record.name)
        }
    }

    private func menuDestination(_ text: String, field: String, menu: String) async throws -> String {
        if text == "ivr:\(menu)" { return text }
        return try await checkedDestination(text, field: field).description
    }

    func existingMenu(_ name: String) async throws -> MenuRecord {
        guard let record = try await storeCall({ try await self.menus.get(name) }) else {
            throw RPCError.notFound("menu \(name) does not exist (see vpbx ivr list)")
        }
        return record
    }

    static func info(_ record: MenuRecord) -> MenuInfo {
        MenuInfo(
            name: record.name, greeting: record.greeting, options: record.options, timeout: record.timeoutSeconds,
            attempts: record.attempts, directDial: record.directDial, onTimeout: record.timeoutDestination,
            onInvalid: record.invalidDestination)
    }
}
