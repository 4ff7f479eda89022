import Foundation
import Testing
import VPBXStore

/// The extension contract, run against every backend.
@Suite("ExtensionRepository contract")
struct ExtensionRepositoryContractTests {
    @Test(arguments: StoreBackend.allCases)
    func createThenGet(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let created = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            #expect(created.createdAt == TestClock.start)
            #expect(created.updatedAt == TestClock.start)
            #expect(try await repos.extensions.get("201") == created)
            #expect(try await repos.extensions.get("202") == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func createExistingNumberIsAConflict(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            _ = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            let error = await #expect(throws: StoreError.self) {
                try await repos.extensions.create(Fixtures.extensionRecord("201", name: "Other"))
            }
            #expect(error?.kind == .conflict)
            #expect(error?.message == "extension 201 already exists")
            #expect(try await repos.extensions.get("201")?.displayName == "Kovács Anna")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func createRejectsInvalidRecord(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let error = await #expect(throws: StoreError.self) {
                try await repos.extensions.create(Fixtures.extensionRecord("2a1"))
            }
            #expect(error?.kind == .invalidArgument)
            let stored = try await repos.extensions.list()
            #expect(stored.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func listIsInDialPlanOrder(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            for number in ["1000", "300", "99", "201", "007"] {
                _ = try await repos.extensions.create(Fixtures.extensionRecord(number))
            }
            let numbers = try await repos.extensions.list().map(\.number)
            #expect(numbers == ["99", "007", "201", "300", "1000"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func updateChangesOnlyPatchedFields(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            var original = Fixtures.extensionRecord("201")
            original.mobileNumber = "+36301234567"
            original.staticContact = "sip:201@192.0.2.20"
            let created = try await repos.extensions.create(original)
            repos.clock.advance(by: 60)

            let patch = ExtensionPatch(
                displayName: "Kovács Anna (recepció)", kind: .agent, mobileNumber: .clear,
                noAnswerTimeout: 20, language: .en, mayMonitor: true, pickupGroup: .set("reception"),
                qualifySeconds: 60)
            let updated = try await repos.extensions.update("201", with: patch)

            #expect(!created.mayMonitor, "nobody may listen in until granted")
            var expected = created
            expected.mayMonitor = true
            expected.pickupGroup = "reception"
            expected.qualifySeconds = 60
            expected.displayName = "Kovács Anna (recepció)"
            expected.kind = .agent
            expected.mobileNumber = nil
            expected.noAnswerTimeout = 20
            expected.language = .en
            expected.updatedAt = TestClock.start.addingTimeInterval(60)
            #expect(updated == expected)
            #expect(try await repos.extensions.get("201") == expected)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func emptyPatchChangesNothing(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let created = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            repos.clock.advance(by: 60)
            #expect(try await repos.extensions.update("201", with: ExtensionPatch()) == created)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func updateOfMissingExtensionIsNotFound(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let error = await #expect(throws: StoreError.self) {
                try await repos.extensions.update("404", with: ExtensionPatch(enabled: false))
            }
            #expect(error?.kind == .notFound)
            #expect(error?.message == "extension 404 not found")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func updateThatWouldInvalidateTheRecordIsRejected(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let created = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            // Alone the patch is fine; with no mobile number on file the result is not.
            let error = await #expect(throws: StoreError.self) {
                try await repos.extensions.update("201", with: ExtensionPatch(kind: .mobile))
            }
            #expect(error?.kind == .invalidArgument)
            #expect(error?.message.contains("mobile number") == true)
            #expect(try await repos.extensions.get("201") == created)
        }
    }

    @Test("forwarding targets are kept, cleared one at a time, and must be numbers other than the extension's own", arguments: StoreBackend.allCases)
    func forwardingTargets(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            _ = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            let set = try await repos.extensions.update(
                "201", with: ExtensionPatch(forwardAlways: .set("202"), forwardBusy: .set("+36309998877"), forwardNoAnswer: .set("300")))
            #expect(try await repos.extensions.get("201") == set)
            #expect(set.forwardAlways == "202" && set.forwardBusy == "+36309998877" && set.forwardNoAnswer == "300")
            let cleared = try await repos.extensions.update("201", with: ExtensionPatch(forwardBusy: .clear))
            #expect(cleared.forwardAlways == "202" && cleared.forwardBusy == nil && cleared.forwardNoAnswer == "300")
            for (bad, why) in [("201", "to itself"), ("20a", "number to dial"), ("1", "number to dial"), ("+", "number to dial")] {
                let error = await #expect(throws: StoreError.self) {
                    try await repos.extensions.update("201", with: ExtensionPatch(forwardNoAnswer: .set(bad)))
                }
                #expect(error?.kind == .invalidArgument && error?.message.contains(why) == true, "\(bad): \(error?.message ?? "")")
            }
        }
    }

    @Test("contact checks are off (0) or every 5 to 3600 s", arguments: StoreBackend.allCases)
    func qualifyIntervalIsBounded(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let created = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            #expect(created.qualifySeconds == 0, "not checked unless asked")
            for bad in [1, 4, 3601, -5] {
                let error = await #expect(throws: StoreError.self) {
                    try await repos.extensions.update("201", with: ExtensionPatch(qualifySeconds: bad))
                }
                #expect(error?.kind == .invalidArgument)
                #expect(error?.message.contains("contact check interval") == true, "\(error?.message ?? "")")
            }
            #expect(try await repos.extensions.update("201", with: ExtensionPatch(qualifySeconds: 5)).qualifySeconds == 5)
            #expect(try await repos.extensions.update("201", with: ExtensionPatch(qualifySeconds: 0)).qualifySeconds == 0)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func deleteReportsWhetherItExisted(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            _ = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            #expect(try await repos.extensions.delete("201"))
            #expect(try await !repos.extensions.delete("201"))
            #expect(try await repos.extensions.get("201") == nil)
        }
    }
}
