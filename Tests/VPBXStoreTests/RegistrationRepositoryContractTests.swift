import Foundation
import Testing
import VPBXStore

/// The registration contract, run against every backend.
@Suite("RegistrationRepository contract")
struct RegistrationRepositoryContractTests {
    @Test(arguments: StoreBackend.allCases)
    func upsertInsertsThenRefreshesTheSameBinding(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            _ = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            let first = try await repos.registrations.upsert(Fixtures.binding("201"))
            #expect(first.id != nil)

            var refresh = Fixtures.binding(
                "201", expiresIn: 600, at: TestClock.start.addingTimeInterval(300))
            refresh.cseq = 2
            refresh.sourcePort = 40_000
            let second = try await repos.registrations.upsert(refresh)

            #expect(second.id == first.id)
            #expect(second.cseq == 2)
            #expect(second.sourcePort == 40_000)
            #expect(second.expiresAt == TestClock.start.addingTimeInterval(900))
            #expect(second.registeredAt == TestClock.start, "a refresh keeps the first time")
            #expect(try await repos.registrations.list() == [second])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func upsertForUnknownExtensionIsNotFound(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let error = await #expect(throws: StoreError.self) {
                try await repos.registrations.upsert(Fixtures.binding("404"))
            }
            #expect(error?.kind == .notFound)
            #expect(error?.message == "extension 404 not found")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func upsertRejectsInvalidBinding(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            _ = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            var binding = Fixtures.binding("201")
            binding.sourcePort = 0
            let error = await #expect(throws: StoreError.self) {
                try await repos.registrations.upsert(binding)
            }
            #expect(error?.kind == .invalidArgument)
            #expect(error?.message.contains("source port") == true)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func listAllOrPerExtensionInOrder(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            try await Self.register(repos, ["202": ["sip:b@h"], "201": ["sip:z@h", "sip:a@h"]])
            let all = try await repos.registrations.list()
            #expect(
                all.map { "\($0.extensionNumber) \($0.contactURI)" }
                    == ["201 sip:a@h", "201 sip:z@h", "202 sip:b@h"])
            let only = try await repos.registrations.list(extensionNumber: "202")
            #expect(only.map(\.contactURI) == ["sip:b@h"])
            #expect(try await repos.registrations.list(extensionNumber: "203").isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func removeOneAndRemoveAll(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            try await Self.register(
                repos, ["201": ["sip:a@h", "sip:b@h", "sip:c@h"], "202": ["sip:a@h"]])
            #expect(
                try await repos.registrations.remove(extensionNumber: "201", contactURI: "sip:a@h"))
            #expect(
                try await !repos.registrations.remove(extensionNumber: "201", contactURI: "sip:a@h")
            )
            #expect(try await repos.registrations.removeAll(extensionNumber: "201") == 2)
            #expect(try await repos.registrations.removeAll(extensionNumber: "201") == 0)
            #expect(try await repos.registrations.list().map(\.extensionNumber) == ["202"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func purgeExpiredRemovesAndReturnsOnlyExpired(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            _ = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            let soon = try await repos.registrations.upsert(
                Fixtures.binding("201", contact: "sip:soon@h", expiresIn: 60))
            let exact = try await repos.registrations.upsert(
                Fixtures.binding("201", contact: "sip:exact@h", expiresIn: 120))
            let later = try await repos.registrations.upsert(
                Fixtures.binding("201", contact: "sip:later@h", expiresIn: 3600))

            let now = TestClock.start.addingTimeInterval(120)
            let purged = try await repos.registrations.purgeExpired(now: now)
            #expect(purged == [exact, soon])
            #expect(try await repos.registrations.list() == [later])
            #expect(try await repos.registrations.purgeExpired(now: now).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func deletingTheExtensionDeletesItsBindings(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            try await Self.register(repos, ["201": ["sip:a@h", "sip:b@h"], "202": ["sip:a@h"]])
            #expect(try await repos.extensions.delete("201"))
            #expect(try await repos.registrations.list(extensionNumber: "201").isEmpty)
            #expect(try await repos.registrations.list().count == 1)
        }
    }

    /// Creates the extensions and registers the given contacts for each.
    private static func register(_ repos: Repositories, _ contacts: [String: [String]])
        async throws
    {
        for (number, uris) in contacts.sorted(by: { $0.key < $1.key }) {
            _ = try await repos.extensions.create(Fixtures.extensionRecord(number))
            for uri in uris {
                try await repos.registrations.upsert(Fixtures.binding(number, contact: uri))
            }
        }
    }
}
