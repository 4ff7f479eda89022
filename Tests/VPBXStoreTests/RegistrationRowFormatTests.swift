import Foundation
import GRDB
import Testing

@testable import VPBXStore

/// The registrar's hand-written upsert must store each column as the Codable-derived mapping
/// did: bindings written by earlier builds are read by later ones, and the other way round.
@Suite("Registration row format")
struct RegistrationRowFormatTests {
    @Test func theUpsertWritesWhatTheCodableMappingWrote() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try VPBXDatabase.open(dataDirectory: directory.path)
        defer { try? database.close() }
        let repository = GRDBExtensionRepository(database: database)
        _ = try await repository.create(Fixtures.extensionRecord("201"))
        _ = try await repository.create(Fixtures.extensionRecord("202"))
        // Sub-millisecond parts, an instance id and a TCP transport: every kind of column.
        let registered = Date(timeIntervalSince1970: 1_796_040_000.1237)
        func binding(_ number: String) -> RegistrationRecord {
            RegistrationRecord(
                extensionNumber: number, contactURI: "sip:\(number)@192.0.2.10:5060;transport=tcp",
                expiresAt: registered.addingTimeInterval(3600.5), callID: "abc@phone", cseq: 4_000_000_000,
                transport: .tcp, sourceHost: "198.51.100.7", sourcePort: 50_123, userAgent: "Yealink T46U",
                instanceID: "<urn:uuid:00000000-0000-1000-8000-000000000001>", registrationID: 2,
                registeredAt: registered)
        }
        let columns = try await database.writer.write { db -> [Row] in
            var earlier = binding("201")
            try earlier.insert(db)  // the Codable mapping, as earlier builds wrote
            _ = try binding("202").upsertRow(db)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT expires_at, call_id, cseq, transport, source_host, source_port, user_agent,
                      instance_id, reg_id, registered_at FROM registrations ORDER BY extension_number
                    """)
        }
        #expect(columns.count == 2)
        #expect(columns.first == columns.last, "\(columns)")
        #expect(columns.first?["registered_at"] as String? == "2026-11-30 12:00:00.124")
        #expect(columns.first?["transport"] as String? == "tcp")
        #expect(columns.first?["reg_id"] as Int? == 2)
    }

    @Test func aRefreshKeepsTheIdAndFirstTimeAndChangesTheRest() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try VPBXDatabase.open(dataDirectory: directory.path)
        defer { try? database.close() }
        _ = try await GRDBExtensionRepository(database: database).create(Fixtures.extensionRecord("201"))
        let first = Fixtures.binding("201")
        var refresh = Fixtures.binding("201", expiresIn: 60, at: TestClock.start.addingTimeInterval(10))
        refresh.cseq = 7
        refresh.userAgent = nil
        let second = refresh
        let (inserted, refreshed, rows) = try await database.writer.write { db in
            (try first.upsertRow(db), try second.upsertRow(db), try RegistrationRecord.fetchAll(db))
        }
        #expect(refreshed.id == inserted.id)
        #expect(refreshed.registeredAt == TestClock.start)
        #expect(rows.count == 1)
        #expect(rows.first?.cseq == 7 && rows.first?.userAgent == nil)
        #expect(rows.first?.expiresAt == TestClock.start.addingTimeInterval(70))
    }
}
