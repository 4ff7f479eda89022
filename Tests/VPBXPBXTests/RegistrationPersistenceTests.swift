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
}
