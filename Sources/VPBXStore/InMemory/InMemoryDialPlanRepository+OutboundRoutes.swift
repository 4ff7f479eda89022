extension InMemoryDialPlanRepository {
    public func outboundRoutes() async throws -> [OutboundRouteRecord] {
        try await store.transaction { tables in
            tables.outboundRoutes.values.sorted { $0.name.precedesInBinaryCollation($1.name) }
        }
    }

    public func create(_ route: OutboundRouteRecord) async throws {
        try route.validate()
        try await store.transaction { tables in
            guard tables.outboundRoutes[route.name] == nil else {
                throw StoreError.alreadyExists("outbound route \(route.name)")
            }
            tables.outboundRoutes[route.name] = route
        }
    }

    public func replace(_ route: OutboundRouteRecord) async throws {
        try route.validate()
        try await store.transaction { tables in
            guard tables.outboundRoutes[route.name] != nil else {
                throw StoreError.notFound("outbound route \(route.name)")
            }
            tables.outboundRoutes[route.name] = route
        }
    }

    @discardableResult
    public func deleteOutboundRoute(_ name: String) async throws -> Bool {
        try await store.transaction { tables in tables.outboundRoutes.removeValue(forKey: name) != nil }
    }
}
