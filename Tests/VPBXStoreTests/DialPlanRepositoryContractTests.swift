import Foundation
import Testing
import VPBXStore

/// The dial plan contract, run against every backend.
@Suite("DialPlanRepository contract")
struct DialPlanRepositoryContractTests {
    @Test(arguments: StoreBackend.allCases)
    func routesInDialPlanOrder(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            for number in ["1000", "100", "99"] {
                try await repos.dialPlan.create(RouteRecord(number: number, destination: "ext:1001"))
            }
            #expect(try await repos.dialPlan.routes().map(\.number) == ["99", "100", "1000"])
            let twice = await #expect(throws: StoreError.self) {
                try await repos.dialPlan.create(RouteRecord(number: "100", destination: "hangup"))
            }
            #expect(twice?.kind == .conflict)
            let bad = await #expect(throws: StoreError.self) {
                try await repos.dialPlan.create(RouteRecord(number: "1a", destination: "hangup"))
            }
            #expect(bad?.kind == .invalidArgument)
            #expect(try await repos.dialPlan.deleteRoute("100"))
            #expect(try await repos.dialPlan.deleteRoute("100") == false)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func timeConditionsNeedTheirSchedule(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let condition = TimeConditionRecord(
                name: "daytime", schedule: "office", openDestination: "ext:1001", closedDestination: "hangup")
            let orphan = await #expect(throws: StoreError.self) { try await repos.dialPlan.create(condition) }
            #expect(orphan?.kind == .notFound)
            #expect(orphan?.message == "schedule office not found")

            _ = try await repos.schedules.create(ScheduleRecord(name: "office", weekly: "mon-fri 08:00-17:00"))
            try await repos.dialPlan.create(condition)
            #expect(try await repos.dialPlan.timeConditions() == [condition])

            var changed = condition
            changed.closedDestination = "ext:1002"
            try await repos.dialPlan.replace(changed)
            #expect(try await repos.dialPlan.timeConditions() == [changed])

            // The schedule is in use: it cannot go.
            await #expect(throws: StoreError.self) { try await repos.schedules.delete("office") }
            #expect(try await repos.schedules.get("office") != nil)

            #expect(try await repos.dialPlan.deleteTimeCondition("daytime"))
            #expect(try await repos.schedules.delete("office"))
            let missing = await #expect(throws: StoreError.self) { try await repos.dialPlan.replace(changed) }
            #expect(missing?.kind == .notFound)
        }
    }
}
