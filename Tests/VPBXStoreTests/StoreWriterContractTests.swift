import Foundation
import Testing
import VPBXStore

/// Batches of writes (what the engine's write-behind queue sends), run against every backend:
/// in order, in one transaction, all or nothing.
@Suite("StoreWriter contract")
struct StoreWriterContractTests {
    private let start = TestClock.start

    @Test(arguments: StoreBackend.allCases)
    func aCallsWholeLifeInOneBatchLandsInOrder(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let call = Fixtures.call()
            try await repos.writer.apply([
                .cdrBegin(call),
                .cdrAnswered(id: call.id, at: start.addingTimeInterval(2)),
                .cdrFinish(
                    id: call.id, answeredAt: nil, endedAt: start.addingTimeInterval(12), disposition: .answered,
                    cause: "BYE", hangupSide: .caller),
            ])
            let stored = try #require(try await repos.cdr.get(id: call.id))
            #expect(stored.disposition == .answered)
            #expect(stored.answeredAt == start.addingTimeInterval(2))
            #expect(stored.billableSeconds == 10)
            #expect(stored.hangupSide == .caller)
        }
    }

    /// A menu choice or a diversion to voicemail grows a running call's path; a finished call's
    /// path is history and stays as it is.
    @Test(arguments: StoreBackend.allCases)
    func aRunningCallsPathGrows(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            var call = Fixtures.call()
            call.path = ["route:200", "ivr:main"]
            try await repos.writer.apply([.cdrBegin(call)])
            try await repos.writer.apply([
                .cdrPath(id: call.id, path: ["route:200", "ivr:main", "ivr:main=1", "ext:1002"])
            ])
            #expect(try await repos.cdr.get(id: call.id)?.path == ["route:200", "ivr:main", "ivr:main=1", "ext:1002"])
            try await repos.writer.apply([
                .cdrFinish(
                    id: call.id, answeredAt: start, endedAt: start.addingTimeInterval(5), disposition: .answered,
                    cause: "BYE", hangupSide: .callee)
            ])
            await #expect(throws: StoreWriteFailure.self) {
                try await repos.writer.apply([.cdrPath(id: call.id, path: ["rewritten"])])
            }
            #expect(try await repos.cdr.get(id: call.id)?.path == ["route:200", "ivr:main", "ivr:main=1", "ext:1002"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func registrationsAreUpsertedAndRemovedInBatches(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            _ = try await repos.extensions.create(Fixtures.extensionRecord("201"))
            let first = Fixtures.binding("201", contact: "sip:201@192.0.2.10:5060")
            let second = Fixtures.binding("201", contact: "sip:201@192.0.2.11:5060")
            try await repos.writer.apply([.registrationUpsert(first), .registrationUpsert(second)])
            #expect(try await repos.registrations.list().map(\.contactURI) == [first.contactURI, second.contactURI])
            try await repos.writer.apply([
                .registrationRemove(extensionNumber: "201", contactURI: first.contactURI),
                .registrationUpsert(second),
            ])
            #expect(try await repos.registrations.list().map(\.contactURI) == [second.contactURI])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aFailingWriteRollsTheWholeBatchBack(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let call = Fixtures.call()
            let unknown = UUID()
            let error = await #expect(throws: StoreWriteFailure.self) {
                try await repos.writer.apply([
                    .cdrBegin(call),
                    .cdrFinish(
                        id: unknown, answeredAt: nil, endedAt: start, disposition: .failed, cause: "x",
                        hangupSide: .system),
                ])
            }
            #expect(error?.applied == 0)
            #expect(error?.underlying.kind == .notFound)
            #expect(error?.underlying.message.contains(unknown.uuidString.lowercased()) == true)
            let stored = try await repos.cdr.get(id: call.id)
            #expect(stored == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anInvalidWriteIsRefusedBeforeAnythingIsApplied(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let good = Fixtures.call()
            var bad = Fixtures.call()
            bad.endedAt = start  // a begin must be in progress
            let error = await #expect(throws: StoreWriteFailure.self) {
                try await repos.writer.apply([.cdrBegin(good), .cdrBegin(bad)])
            }
            #expect(error?.applied == 0)
            #expect(error?.underlying.kind == .invalidArgument)
            let stored = try await repos.cdr.get(id: good.id)
            #expect(stored == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aRowBegunInAnEarlierBatchIsChangedInALaterOne(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let call = Fixtures.call()
            let other = Fixtures.call()
            try await repos.writer.apply([.cdrBegin(call)])
            try await repos.writer.apply([
                .cdrAnswered(id: call.id, at: start.addingTimeInterval(1)),
                .cdrBegin(other),
                .cdrFinish(
                    id: call.id, answeredAt: nil, endedAt: start.addingTimeInterval(4), disposition: .answered,
                    cause: "BYE", hangupSide: .callee),
            ])
            let stored = try #require(try await repos.cdr.get(id: call.id))
            #expect(stored.disposition == .answered && stored.billableSeconds == 3)
            let begun = try await repos.cdr.get(id: other.id)
            #expect(begun?.disposition == .inProgress)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func beginningARowTwiceFailsTheBatch(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let call = Fixtures.call()
            let earlier = Fixtures.call()
            try await repos.writer.apply([.cdrBegin(earlier)])
            for batch: [StoreWrite] in [[.cdrBegin(call), .cdrBegin(call)], [.cdrBegin(call), .cdrBegin(earlier)]] {
                let error = await #expect(throws: StoreWriteFailure.self) { try await repos.writer.apply(batch) }
                #expect(error?.underlying.kind == .conflict)
            }
            let stored = try await repos.cdr.get(id: call.id)
            #expect(stored == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aStepAfterTheFinishIsAConflict(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let call = Fixtures.call()
            let finish = StoreWrite.cdrFinish(
                id: call.id, answeredAt: nil, endedAt: start, disposition: .failed, cause: "480", hangupSide: .system)
            let error = await #expect(throws: StoreWriteFailure.self) {
                try await repos.writer.apply([.cdrBegin(call), finish, finish])
            }
            #expect(error?.underlying.kind == .conflict)
            let stored = try await repos.cdr.get(id: call.id)
            #expect(stored == nil)
        }
    }

    @Test func theRepositoryWriterReportsHowManyWentIn() async throws {
        let store = InMemoryStore()
        let writer = RepositoryStoreWriter(
            cdrs: InMemoryCDRRepository(store: store), registrations: InMemoryRegistrationRepository(store: store))
        let first = Fixtures.call()
        let error = await #expect(throws: StoreWriteFailure.self) {
            try await writer.apply([.cdrBegin(first), .cdrAnswered(id: UUID(), at: start)])
        }
        #expect(error?.applied == 1)
        #expect(try await InMemoryCDRRepository(store: store).get(id: first.id) != nil)
    }
}
