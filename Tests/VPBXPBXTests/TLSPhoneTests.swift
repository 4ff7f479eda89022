import Foundation
import Testing
import VPBXPBX
import VPBXSIP

/// A phone on SIP over TLS is a TCP phone whose connection is encrypted: it registers on its
/// connection and is called there, and the engine names its TLS port and `transport=tls` to it.
@Suite("Registrar and calls: phones over TLS", .timeLimit(.minutes(1)))
struct TLSPhoneTests {
    static let tlsPhone = Phone("100", at: "192.0.2.70", port: 40_200, connection: 11, tls: true)
    static let contact = "sip:100@192.0.2.71;transport=tls"

    static var configuration: PBXConfiguration {
        var configuration = PBXHarness.configuration
        configuration.advertisedTLSPort = 5061
        return configuration
    }

    @Test("registered over TLS: its connection held, its INVITE on it with the engine's TLS port in Via and Contact; at its Contact (port 5061) over TLS once the connection is gone")
    func calledOnItsTLSConnection() async throws {
        let caller = Cast.bobDesk
        try await PBXHarness.run([Self.tlsPhone, caller], configuration: Self.configuration) { (pbx: PBXHarness) async throws in
            #expect(try await pbx.register(Self.tlsPhone, contact: "<\(Self.contact)>").statusCode == 200)
            #expect(pbx.outbound.holds.map(\.peer) == [Self.tlsPhone.address])
            _ = try await pbx.register(caller)
            _ = try await pbx.placeCall(from: caller, to: "100", sdp: caller.sdp())
            let invite = try await pbx.outbound.request(.invite, to: Self.tlsPhone.address)
            #expect(invite.uri.description == Self.contact)
            let via = try #require(invite.headers["Via"])
            #expect(via.hasPrefix("SIP/2.0/TLS \(PBXHarness.advertisedHost):5061;"), "\(via)")
            let contact = try #require(invite.headers["Contact"])
            #expect(contact.contains("@\(PBXHarness.advertisedHost):5061;transport=tls"), "\(contact)")
            pbx.send(Self.tlsPhone.respond(to: invite, status: 486, toTag: "busy"), from: Self.tlsPhone)
            _ = try await pbx.outbound.request(.ack, to: Self.tlsPhone.address)

            // The caller on UDP still gets the engine's UDP port.
            let toCaller = try await pbx.outbound.response(486, .invite, to: caller.address)
            #expect(toCaller.headers["Contact"]?.contains(":5061") != true)

            pbx.outbound.closeConnection(11)
            _ = try await pbx.placeCall(from: caller, to: "100", sdp: caller.sdp())
            let atContact = SIPPeerAddress(transport: .tls, host: "192.0.2.71", port: 5061)
            let again = try await pbx.outbound.request(.invite, to: atContact)
            #expect(again.uri.description == Self.contact)
        }
    }
}
