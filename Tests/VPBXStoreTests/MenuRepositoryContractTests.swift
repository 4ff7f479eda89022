import Foundation
import Testing
import VPBXStore

/// The menu contract, run against every backend.
@Suite("MenuRepository contract")
struct MenuRepositoryContractTests {
    @Test(arguments: StoreBackend.allCases)
    func roundTripWithOptions(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let menu = MenuRecord(
                name: "main", greeting: "welcome", options: ["1": "ext:1001", "#": "hangup"], timeoutSeconds: 7,
                attempts: 2, directDial: true, timeoutDestination: "ext:1000")
            try await repos.menus.create(menu)
            #expect(try await repos.menus.get("main") == menu)
            var changed = menu
            changed.options["2"] = "ivr:other"
            try await repos.menus.replace(changed)
            #expect(try await repos.menus.list() == [changed])
            let twice = await #expect(throws: StoreError.self) { try await repos.menus.create(menu) }
            #expect(twice?.kind == .conflict)
            #expect(try await repos.menus.delete("main"))
            let gone = await #expect(throws: StoreError.self) { try await repos.menus.replace(menu) }
            #expect(gone?.kind == .notFound)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func invalidMenusAreRefused(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let bad: [MenuRecord] = [
                MenuRecord(name: "Main", greeting: "welcome"),
                MenuRecord(name: "main", greeting: "../etc/passwd"),
                MenuRecord(name: "main", greeting: "welcome", options: ["12": "hangup"]),
                MenuRecord(name: "main", greeting: "welcome", options: ["a": "hangup"]),
                MenuRecord(name: "main", greeting: "welcome", timeoutSeconds: 0),
                MenuRecord(name: "main", greeting: "welcome", attempts: 11),
            ]
            for menu in bad {
                let error = await #expect(throws: StoreError.self) { try await repos.menus.create(menu) }
                let kind = error?.kind
                #expect(kind == .invalidArgument)
            }
            let stored = try await repos.menus.list()
            #expect(stored.isEmpty)
        }
    }
}
