import Foundation
import Testing
import VPBXPBX
import VPBXStore

@Suite("Registrations survive a restart", .timeLimit(.minutes(1)))
struct RegistrationPersistenceTests {
    @Test("a binding is written to the store and restored by a new core on the same store")
    func persistedAndRestored() async throws {
        let bob = Cast.bobDesk
        let first = PBXHarness()
        try await first.provision(Cast.everyone)
        try await first.core.start()
        #expect(try await first.register(bob).statusCode == 200)
        await first.core.shutdown()  // drains the write-behind queue

        let stored = try await first.registrations.list()
        #expect(stored.map(\.contactURI) == [bob.contact])
        #expect(stored.first?.sourceHost == bob.address.host)
        #expect(stored.first?.sourcePort == bob.address.port)

        let second = PBXHarness(store: first.store)
        try await second.core.start()
        let restored = await second.core.registrations(extension: bob.number)
        #expect(restored.map(\.contactText) == [bob.contact])
        #expect(restored.first?.source == bob.address)
        let expiresIn = try #require(restored.first).expiresAt.timeIntervalSinceNow
        #expect(expiresIn > 3500 && expiresIn <= 3600)
        await second.core.shutdown()
    }

    @Test("a binding made over TLS is stored as tls and restored as a TLS binding (without its connection)")
    func tlsBindingRestored() async throws {
        let phone = Phone("100", at: "192.0.2.80", port: 40_300, connection: 5, tls: true)
        let first = PBXHarness()
        try await first.provision([phone])
        try await first.core.start()
        #expect(try await first.register(phone, contact: "<sip:100@192.0.2.80:40300;transport=tls>").statusCode == 200)
        await first.core.shutdown()
        #expect(try await first.registrations.list().map(\.transport) == [.tls])

        let second = PBXHarness(store: first.store)
        try await second.core.start()
        let restored = await second.core.registrations(extension: phone.number)
        #expect(restored.first?.source.transport == .tls)
        #expect(restored.first?.source.connectionID == nil)
        await second.core.shutdown()
    }

    /// Rows an older registrar kept apart (it matched contacts by their text) become one
    /// binding, and the stale row is removed.
    @Test("two stored rows of one contact in two spellings are restored as the one that lasts longer, the other row removed")
    func equivalentRowsCollapse() async throws {
        let bob = Cast.bobDesk
        let harness = PBXHarness()
        try await harness.provision(Cast.everyone)
        let now = Date()
        func row(_ uri: String, expiresIn seconds: TimeInterval) -> RegistrationRecord {
            RegistrationRecord(
                extensionNumber: bob.number, contactURI: uri, expiresAt: now.addingTimeInterval(seconds), callID: "c1",
                cseq: 1, transport: .udp, sourceHost: bob.address.host, sourcePort: bob.address.port, userAgent: nil,
                instanceID: nil, registeredAt: now)
        }
        let older = "sip:\(bob.number)@\(bob.address.host):\(bob.address.port);transport=udp;line=x"
        let newer = "sip:\(bob.number)@\(bob.address.host):\(bob.address.port);line=x;transport=UDP"
        _ = try await harness.registrations.upsert(row(older, expiresIn: 600))
        _ = try await harness.registrations.upsert(row(newer, expiresIn: 3000))
        try await harness.core.start()
        #expect(await harness.core.registrations(extension: bob.number).map(\.contactText) == [newer])
        await harness.core.shutdown()
        #expect(try await harness.registrations.list().map(\.contactURI) == [newer])
    }

    /// The instance is stored with the binding: after a restart the device that comes back
    /// from a new address still replaces its binding rather than gaining a second.
    @Test("a binding's device instance survives a restart, and the device at a new address then replaces it")
    func instanceRestored() async throws {
        let bob = Cast.bobDesk
        let instance = "<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>"
        let first = PBXHarness()
        try await first.provision(Cast.everyone)
        try await first.core.start()
        let old = "sip:\(bob.number)@192.0.2.10:5060"
        #expect(try await first.register(bob, contact: "<\(old)>;+sip.instance=\"\(instance)\";reg-id=1").statusCode == 200)
        await first.core.shutdown()

        let second = PBXHarness(store: first.store)
        try await second.core.start()
        let moved = "sip:\(bob.number)@198.51.100.20:40000"
        #expect(try await second.register(bob, contact: "<\(moved)>;+sip.instance=\"\(instance)\";reg-id=1").statusCode == 200)
        #expect(await second.core.registrations(extension: bob.number).map(\.contactText) == [moved])
        await second.core.shutdown()
        let rows = try await second.registrations.list()
        #expect(rows.map(\.contactURI) == [moved])
        #expect(rows.first?.instanceID == instance)
        #expect(rows.first?.registrationID == 1)
    }

    @Test("a binding's Path survives a restart: the INVITE to the contact still carries it as its Route")
    func pathRestored() async throws {
        let (alice, bob) = (Cast.alice, Cast.bobDesk)
        let path = "<sip:edge.example.net;lr>, <sip:198.51.100.7:5070;lr>"
        let first = PBXHarness()
        try await first.provision(Cast.everyone)
        try await first.core.start()
        #expect(try await first.register(bob, headers: [("Path", path)]).statusCode == 200)
        await first.core.shutdown()

        let second = PBXHarness(store: first.store)
        try await second.core.start()
        _ = try await second.placeCall(from: alice, to: bob.number, sdp: alice.sdp())
        let invite = try await second.outbound.request(.invite, to: bob.address)
        #expect(invite.headers.values("Route") == ["<sip:edge.example.net;lr>", "<sip:198.51.100.7:5070;lr>"])
        await second.core.shutdown()
    }
}
