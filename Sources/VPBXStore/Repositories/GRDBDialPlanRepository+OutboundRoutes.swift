import GRDB

extension GRDBDialPlanRepository {
    public func outboundRoutes() async throws -> [OutboundRouteRecord] {
        try await database.read("the outbound routes") { db in
            try OutboundRouteRecord.order(Column("name")).fetchAll(db)
        }
    }

    public func create(_ route: OutboundRouteRecord) async throws {
        try route.validate()
        try await database.write("outbound route \(route.name)") { db in try route.insert(db) }
    }

    public func replace(_ route: OutboundRouteRecord) async throws {
        try route.validate()
        try await database.write("outbound route \(route.name)") { db in
            guard try OutboundRouteRecord.exists(db, key: route.name) else {
                throw StoreError.notFound("outbound route \(route.name)")
            }
            try route.update(db)
        }
    }

    @discardableResult
    public func deleteOutboundRoute(_ name: String) async throws -> Bool {
        try await database.write("outbound route \(name)") { db in try OutboundRouteRecord.deleteOne(db, key: name) }
    }
}
