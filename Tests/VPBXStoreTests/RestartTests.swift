import Foundation
import Testing
import VPBXStore

/// What survives an engine stopping without warning, on the real file database.
@Suite("Restart")
struct RestartTests {
    @Test func callBegunBeforeACrashIsRecoveredAsEngineRestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let call = Fixtures.call()
        do {
            let database = try VPBXDatabase.open(dataDirectory: directory.path)
            try await GRDBCDRRepository(database: database).begin(call)
            try await GRDBCDRRepository(database: database)
                .markAnswered(id: call.id, at: call.startedAt.addingTimeInterval(2))
            // No finish: the engine "crashes" here.
            try database.close()
        }

        let database = try VPBXDatabase.open(dataDirectory: directory.path)
        defer { try? database.close() }
        let cdr = GRDBCDRRepository(database: database)
        let restart = call.startedAt.addingTimeInterval(600)
        #expect(try await cdr.recoverUnfinished(now: restart) == 1)

        let recovered = try #require(try await cdr.get(id: call.id))
        #expect(recovered.disposition == .failed)
        #expect(recovered.cause == "engine_restart")
        #expect(recovered.hangupSide == .system)
        #expect(recovered.endedAt == restart)
        #expect(recovered.durationSeconds == 600)
        #expect(recovered.billableSeconds == 598)
    }

    @Test func bindingsSurviveARestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let stored: RegistrationRecord
        do {
            let database = try VPBXDatabase.open(dataDirectory: directory.path)
            _ = try await GRDBExtensionRepository(database: database)
                .create(Fixtures.extensionRecord("201"))
            stored = try await GRDBRegistrationRepository(database: database)
                .upsert(Fixtures.binding("201"))
            try database.close()
        }

        let database = try VPBXDatabase.open(dataDirectory: directory.path)
        defer { try? database.close() }
        #expect(try await GRDBRegistrationRepository(database: database).list() == [stored])
    }
}
