import Foundation
import Testing
import VPBXSIP

@testable import VPBXPBX

/// The registrar holds a TCP connection open while a binding was registered on it; the table
/// counts them through every way a binding comes and goes.
@Suite("BindingTable: bindings per connection")
struct BindingTableConnectionTests {
    private static let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func binding(_ number: String, contact: String, connection: UInt64?, expiresIn seconds: TimeInterval = 600)
        -> Binding
    {
        let source = SIPPeerAddress(
            transport: connection == nil ? .udp : .tcp, host: "192.0.2.7", port: 40_000, connectionID: connection)
        return Binding(
            extensionNumber: number, contact: try! SIPURI(parsing: contact), contactText: contact,
            expiresAt: Self.now.addingTimeInterval(seconds), callID: "c-\(number)", cseq: 1, source: source,
            userAgent: nil, registeredAt: Self.now)
    }

    @Test("counted on upsert, moved by a re-registration from another connection, dropped by remove")
    func upsertAndRemove() {
        var table = BindingTable()
        table.upsert(binding("100", contact: "sip:100@10.0.0.5", connection: 1))
        table.upsert(binding("101", contact: "sip:101@10.0.0.5", connection: 1))
        #expect(table.isUsing(connection: 1))
        table.upsert(binding("100", contact: "sip:100@10.0.0.5", connection: 2))
        #expect(table.isUsing(connection: 1) && table.isUsing(connection: 2))
        _ = table.remove("101", contactText: "sip:101@10.0.0.5")
        #expect(!table.isUsing(connection: 1))
        #expect(table.removeAll("100").count == 1)
        #expect(!table.isUsing(connection: 2))
    }

    @Test("expired bindings stop counting once removed; UDP bindings never count")
    func expiry() {
        var table = BindingTable()
        table.upsert(binding("100", contact: "sip:100@10.0.0.5", connection: 3, expiresIn: 10))
        table.upsert(binding("101", contact: "sip:101@10.0.0.6", connection: nil, expiresIn: 10))
        table.upsert(binding("102", contact: "sip:102@10.0.0.7", connection: 4, expiresIn: 600))
        #expect(table.removeExpired(now: Self.now.addingTimeInterval(60)).count == 2)
        #expect(!table.isUsing(connection: 3))
        #expect(table.isUsing(connection: 4))
        let trimmed = table.trim("102", to: 0, keeping: [], now: Self.now)
        #expect(trimmed.count == 1 && !table.isUsing(connection: 4))
    }
}
