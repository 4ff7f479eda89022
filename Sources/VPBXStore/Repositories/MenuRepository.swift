import GRDB

/// Stores IVR menus. Errors are ``StoreError``s.
public protocol MenuRepository: Sendable {
    /// All menus, by name.
    func list() async throws -> [MenuRecord]
    func get(_ name: String) async throws -> MenuRecord?
    /// `conflict` if the name exists.
    func create(_ menu: MenuRecord) async throws
    /// `notFound` if it does not exist.
    func replace(_ menu: MenuRecord) async throws
    @discardableResult
    func delete(_ name: String) async throws -> Bool
}

/// ``MenuRepository`` on a ``VPBXDatabase``.
public struct GRDBMenuRepository: MenuRepository {
    private let database: VPBXDatabase

    public init(database: VPBXDatabase) { self.database = database }

    public func list() async throws -> [MenuRecord] {
        try await database.read("the menu list") { db in try MenuRecord.order(Column("name")).fetchAll(db) }
    }

    public func get(_ name: String) async throws -> MenuRecord? {
        try await database.read("menu \(name)") { db in try MenuRecord.fetchOne(db, key: name) }
    }

    public func create(_ menu: MenuRecord) async throws {
        try menu.validate()
        try await database.write("menu \(menu.name)") { db in try menu.insert(db) }
    }

    public func replace(_ menu: MenuRecord) async throws {
        try menu.validate()
        try await database.write("menu \(menu.name)") { db in
            guard try MenuRecord.exists(db, key: menu.name) else { throw StoreError.notFound("menu \(menu.name)") }
            try menu.update(db)
        }
    }

    @discardableResult
    public func delete(_ name: String) async throws -> Bool {
        try await database.write("menu \(name)") { db in try MenuRecord.deleteOne(db, key: name) }
    }
}

/// ``MenuRepository`` in memory, on an ``InMemoryStore``.
public struct InMemoryMenuRepository: MenuRepository {
    private let store: InMemoryStore

    public init(store: InMemoryStore) { self.store = store }

    public func list() async throws -> [MenuRecord] {
        try await store.transaction { tables in
            tables.menus.values.sorted { $0.name.precedesInBinaryCollation($1.name) }
        }
    }

    public func get(_ name: String) async throws -> MenuRecord? {
        try await store.transaction { tables in tables.menus[name] }
    }

    public func create(_ menu: MenuRecord) async throws {
        try menu.validate()
        try await store.transaction { tables in
            guard tables.menus[menu.name] == nil else { throw StoreError.alreadyExists("menu \(menu.name)") }
            tables.menus[menu.name] = menu
        }
    }

    public func replace(_ menu: MenuRecord) async throws {
        try menu.validate()
        try await store.transaction { tables in
            guard tables.menus[menu.name] != nil else { throw StoreError.notFound("menu \(menu.name)") }
            tables.menus[menu.name] = menu
        }
    }

    @discardableResult
    public func delete(_ name: String) async throws -> Bool {
        try await store.transaction { tables in tables.menus.removeValue(forKey: name) != nil }
    }
}
