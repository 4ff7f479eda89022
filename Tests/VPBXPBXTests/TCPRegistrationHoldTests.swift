import Foundation
import Testing
import VPBXPBX
import VPBXSIP

/// A phone registered over TCP is reached through the connection it registered on (behind NAT
/// nothing can connect to it): the registrar keeps that connection from being closed for
/// idleness while the registration lasts.
@Suite("Registrar: TCP connections held", .timeLimit(.minutes(1)))
struct TCPRegistrationHoldTests {
    static let tcpPhone = Phone("100", at: "192.0.2.60", port: 40_123, connection: 7)

    @Test("a registration over TCP holds its connection for its lifetime and a minute; one over UDP holds nothing")
    func registrationHoldsItsConnection() async throws {
        try await PBXHarness.run([Self.tcpPhone, Cast.bobDesk]) { (pbx: PBXHarness) async throws in
            let registered = try await pbx.register(Self.tcpPhone, expires: 1800)
            #expect(registered.statusCode == 200)
            let expected = RecordingOutbound.ConnectionHold(peer: Self.tcpPhone.address, duration: .seconds(1860))
            #expect(pbx.outbound.holds == [expected])
            #expect(pbx.outbound.holds.first?.peer.connectionID == 7)
            // Longer than the registrar grants: held for what it grants.
            let capped = try await pbx.register(Self.tcpPhone, expires: 7200)
            #expect(capped.statusCode == 200)
            #expect(pbx.outbound.holds.last?.duration == .seconds(3660))
            let overUDP = try await pbx.register(Cast.bobDesk)
            #expect(overUDP.statusCode == 200)
            // Unregistering holds nothing more (the earlier hold lapses by itself).
            let unregistered = try await pbx.register(Self.tcpPhone, expires: 0)
            #expect(unregistered.statusCode == 200)
            #expect(pbx.outbound.holds.count == 2)
        }
    }
}
