import Foundation
import Testing

@testable import VPBXStore

/// The SQLite writer keeps the rows of calls in progress after it committed them, so the batch
/// that finishes a call need not read its row back; it must keep exactly the committed ones.
@Suite("GRDB writer's open rows")
struct GRDBStoreWriterOpenRowsTests {
    private let start = TestClock.start

    @Test func rowsInProgressAreKeptUntilTheirCallFinishes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try VPBXDatabase.open(dataDirectory: directory.path)
        defer { try? database.close() }
        let writer = GRDBStoreWriter(database: database)
        let first = Fixtures.call()
        let second = Fixtures.call()
        try await writer.apply([.cdrBegin(first), .cdrBegin(second)])
        #expect(writer.openRowCount == 2)
        try await writer.apply([.cdrAnswered(id: first.id, at: start.addingTimeInterval(1))])
        #expect(writer.openRowCount == 2)
        try await writer.apply([
            .cdrFinish(
                id: first.id, answeredAt: nil, endedAt: start.addingTimeInterval(5), disposition: .answered,
                cause: "BYE", hangupSide: .caller)
        ])
        #expect(writer.openRowCount == 1)
        // The answer time came from the kept row: the finish carried none.
        let stored = try #require(try await GRDBCDRRepository(database: database).get(id: first.id))
        #expect(stored.answeredAt == start.addingTimeInterval(1))
        #expect(stored.billableSeconds == 4 && stored.durationSeconds == 5)
        // A step after the finish reads the finished row back and is refused as before.
        await #expect(throws: StoreWriteFailure.self) {
            try await writer.apply([.cdrAnswered(id: first.id, at: start.addingTimeInterval(2))])
        }
    }

    @Test func aRolledBackBatchLeavesNothingKept() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try VPBXDatabase.open(dataDirectory: directory.path)
        defer { try? database.close() }
        let writer = GRDBStoreWriter(database: database)
        let call = Fixtures.call()
        await #expect(throws: StoreWriteFailure.self) {
            try await writer.apply([
                .cdrBegin(call),
                .cdrFinish(
                    id: UUID(), answeredAt: nil, endedAt: start, disposition: .failed, cause: "x", hangupSide: .system),
            ])
        }
        #expect(writer.openRowCount == 0)
        // So a later step for the call that was never stored is not found, not applied to a
        // row that exists only in memory.
        let error = await #expect(throws: StoreWriteFailure.self) {
            try await writer.apply([.cdrAnswered(id: call.id, at: start.addingTimeInterval(1))])
        }
        #expect(error?.underlying.kind == .notFound)
    }
}
