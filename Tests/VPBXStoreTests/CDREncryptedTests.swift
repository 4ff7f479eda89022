import Foundation
import GRDB
import Testing

@testable import VPBXStore

/// Whether a call's audio was encrypted (SRTP), kept in its record: the `encrypted` column
/// (migration v26), marked by ``StoreWrite/cdrEncrypted(id:)`` before the call's finish.
@Suite("CDR encrypted")
struct CDREncryptedTests {
    private let start = TestClock.start

    /// The finish of a call, 10 s after `start`; an answered one keeps the answer time
    /// recorded ahead of it.
    private func finish(_ id: UUID, _ disposition: CallDisposition = .answered) -> StoreWrite {
        .cdrFinish(
            id: id, answeredAt: nil, endedAt: start.addingTimeInterval(10), disposition: disposition, cause: "BYE",
            hangupSide: .caller)
    }

    /// A database of the previous version, with a call in it, gets the column on open; the
    /// call reads unencrypted (nobody confirmed it), and so does a new one nobody marks.
    @Test func anOlderDatabaseGetsTheColumnAndItsCallsReadUnencrypted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let old = Fixtures.call(caller: "201", callee: "202")
        do {
            let queue = try DatabaseQueue(path: directory.path + "/" + VPBXDatabase.fileName)
            try VPBXDatabase.migrator.migrate(queue, upTo: "v25-extension-srtp")
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO cdr (id, sip_call_id, caller, callee, started_at, answered_at, ended_at,
                          duration_seconds, billable_seconds, disposition, cause, hangup_side)
                        VALUES (?, ?, ?, ?, ?, ?, ?, 12, 10, 'answered', 'BYE', 'caller')
                        """,
                    arguments: [
                        CDRRecord.key(old.id), old.sipCallID, old.caller, old.callee, StorageDateText.text(start),
                        StorageDateText.text(start.addingTimeInterval(2)),
                        StorageDateText.text(start.addingTimeInterval(12)),
                    ])
            }
            try queue.close()
        }
        var announced: [String] = []
        let database = try VPBXDatabase.open(dataDirectory: directory.path) { announced += $0 }
        defer { try? database.close() }
        #expect(announced == ["v26-cdr-encrypted", "v27-outbound-routes", "v28-conference-leader", "v29-outbound-route-options", "v30-queue-record-calls", "v31-trunk-srtp", "v32-trunk-srv", "v33-conference-record-calls", "v34-outbound-route-override-caller-id", "v35-numbering", "v36-mailbox-email", "v37-voicemail-email-outbox", "v38-extension-do-not-disturb"])
        let column = try await database.writer.read { db in
            try db.columns(in: "cdr").first { $0.name == "encrypted" }
        }
        #expect(column?.isNotNull == true && column?.defaultValueSQL == "0")

        let repository = GRDBCDRRepository(database: database)
        let stored = try #require(try await repository.get(id: old.id))
        #expect(stored.encrypted == false && stored.billableSeconds == 10)
        let new = Fixtures.call()
        try await GRDBStoreWriter(database: database).apply([.cdrBegin(new), finish(new.id, .noAnswer)])
        #expect(try await repository.get(id: new.id)?.encrypted == false)
        #expect(try await repository.search(CDRQuery(encrypted: true)).isEmpty)
    }

    /// Marked in the batch of its finish (as the core sends it), or in a batch of its own
    /// after the row was begun and answered in earlier ones: the finished call reads back
    /// encrypted; a call nobody marked reads unencrypted; the search filters on it.
    @Test(arguments: StoreBackend.allCases)
    func aMarkedCallReadsBackEncrypted(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let together = Fixtures.call(startedAt: start)
            let apart = Fixtures.call(startedAt: start.addingTimeInterval(1))
            let plain = Fixtures.call(startedAt: start.addingTimeInterval(2))
            let answer = start.addingTimeInterval(3)
            try await repos.writer.apply([
                .cdrBegin(together), .cdrAnswered(id: together.id, at: answer), .cdrEncrypted(id: together.id),
                finish(together.id),
            ])
            try await repos.writer.apply([.cdrBegin(apart), .cdrBegin(plain)])
            try await repos.writer.apply([
                .cdrAnswered(id: apart.id, at: answer), .cdrAnswered(id: plain.id, at: answer),
            ])
            try await repos.writer.apply([.cdrEncrypted(id: apart.id)])
            #expect(try await repos.cdr.get(id: apart.id)?.encrypted == true)  // before its finish, too
            try await repos.writer.apply([finish(apart.id), finish(plain.id)])

            for call in [together, apart] {
                let stored = try #require(try await repos.cdr.get(id: call.id))
                #expect(stored.encrypted && stored.disposition == .answered && stored.billableSeconds == 7)
            }
            #expect(try await repos.cdr.get(id: plain.id)?.encrypted == false)
            #expect(try await repos.cdr.search(CDRQuery(encrypted: true)).map(\.id) == [apart.id, together.id])
            #expect(try await repos.cdr.search(CDRQuery(encrypted: false)).map(\.id) == [plain.id])
            #expect(
                try await repos.cdr.search(CDRQuery(number: "201", encrypted: true, limit: 1)).map(\.id) == [apart.id])
        }
    }

    /// A finished call's record is history: marking it afterwards is a conflict and changes
    /// nothing, as an answer after the finish would be.
    @Test(arguments: StoreBackend.allCases)
    func markingAFinishedCallIsAConflict(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let call = Fixtures.call()
            try await repos.writer.apply([.cdrBegin(call), finish(call.id, .noAnswer)])
            let error = await #expect(throws: StoreWriteFailure.self) {
                try await repos.writer.apply([.cdrEncrypted(id: call.id)])
            }
            #expect(error?.underlying.kind == .conflict)
            #expect(try await repos.cdr.get(id: call.id)?.encrypted == false)
            let unknown = UUID()
            let missing = await #expect(throws: StoreWriteFailure.self) {
                try await repos.writer.apply([.cdrEncrypted(id: unknown)])
            }
            #expect(missing?.underlying.kind == .notFound)
        }
    }

    /// The repositories' own step (what ``RepositoryStoreWriter`` applies), and a call cut off
    /// by a crash keeps the mark it had when the restart closes its row.
    @Test(arguments: StoreBackend.allCases)
    func theRepositoryMarksACallAndRecoveryKeepsTheMark(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let call = Fixtures.call()
            try await repos.cdr.begin(call)
            try await repos.cdr.markAnswered(id: call.id, at: start.addingTimeInterval(1))
            try await repos.cdr.markEncrypted(id: call.id)
            #expect(try await repos.cdr.recoverUnfinished(now: start.addingTimeInterval(60)) == 1)
            let recovered = try #require(try await repos.cdr.get(id: call.id))
            #expect(recovered.encrypted && recovered.cause == "engine_restart")
        }
    }

    @Test func theRepositoryWriterAppliesTheMark() async throws {
        let store = InMemoryStore()
        let cdrs = InMemoryCDRRepository(store: store)
        let writer = RepositoryStoreWriter(cdrs: cdrs, registrations: InMemoryRegistrationRepository(store: store))
        let call = Fixtures.call()
        try await writer.apply([
            .cdrBegin(call), .cdrAnswered(id: call.id, at: start), .cdrEncrypted(id: call.id), finish(call.id),
        ])
        #expect(try await cdrs.get(id: call.id)?.encrypted == true)
    }

    /// SQLite keeps it as GRDB keeps any Bool: the integer 1 (0 unmarked).
    @Test func theColumnHoldsAnInteger() async throws {
        let database = try VPBXDatabase.inMemory()
        let writer = GRDBStoreWriter(database: database)
        let marked = Fixtures.call()
        let plain = Fixtures.call(startedAt: start.addingTimeInterval(1))
        try await writer.apply([.cdrBegin(marked), .cdrBegin(plain)])
        try await writer.apply([
            .cdrEncrypted(id: marked.id), finish(marked.id, .noAnswer), finish(plain.id, .noAnswer),
        ])
        let values = try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT encrypted, typeof(encrypted) AS type FROM cdr ORDER BY started_at")
                .map { "\($0["encrypted"] as Int? ?? -1) \($0["type"] as String? ?? "")" }
        }
        #expect(values == ["1 integer", "0 integer"])
    }
}
