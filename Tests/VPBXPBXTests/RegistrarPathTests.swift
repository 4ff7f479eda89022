import Foundation
import Testing
import VPBXSIP

@testable import VPBXPBX

/// RFC 3327: a REGISTER that came through proxies (an SBC or Kamailio in front of the
/// engine) names them in Path; requests to the contact go back through them as its Route.
@Suite("Registrar: Path", .timeLimit(.minutes(1)))
struct RegistrarPathTests {
    let alice = Cast.alice
    let bob = Cast.bobDesk
    static let path = ["<sip:edge.example.net;lr>", "<sip:198.51.100.7:5070;lr;received=sip:192.0.2.21:5060>"]

    /// Registers `bob` (answering the 401) with `extra` header lines; returns the final answer.
    func register(_ pbx: PBXHarness, _ extra: [(String, String)]) async throws -> SIPResponse {
        try await pbx.register(bob, headers: extra)
    }

    @Test("a REGISTER's Path is kept, echoed to a phone that supports it, and is the Route of the INVITE to the contact")
    func pathBecomesTheRoute() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ok = try await register(pbx, [("Path", Self.path[0]), ("Path", Self.path[1]), ("Supported", "path")])
            #expect(ok.statusCode == 200)
            #expect(ok.headers.values("Path") == Self.path)
            try await eventually("the row's path") {
                try await pbx.registrations.list().first?.path == Self.path.joined(separator: ", ")
            }
            _ = try await pbx.placeCall(from: alice, to: bob.number, sdp: alice.sdp())
            let invite = try await pbx.outbound.request(.invite, to: bob.address)
            #expect(invite.headers.values("Route") == Self.path)
            #expect(invite.uri.serialized == bob.contact, "the Request-URI stays the contact")
        }
    }

    @Test("without Supported: path the 200 names no Path, but the contact is still reached through it; registered again directly, no Route")
    func pathWithoutSupport() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ok = try await register(pbx, [("Path", Self.path.joined(separator: ", "))])
            #expect(ok.statusCode == 200)
            #expect(ok.headers.values("Path").isEmpty)
            let direct = try await register(pbx, [])
            #expect(direct.statusCode == 200)
            _ = try await pbx.placeCall(from: alice, to: bob.number, sdp: alice.sdp())
            let invite = try await pbx.outbound.request(.invite, to: bob.address)
            #expect(invite.headers.values("Route").isEmpty)
        }
    }

    @Test("Require: path is accepted on REGISTER (420 elsewhere); a Path that does not parse gets 400")
    func requireAndBadPath() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let required = try await register(pbx, [("Path", Self.path[0]), ("Require", "path"), ("Supported", "path")])
            #expect(required.statusCode == 200)
            let refused = try await register(pbx, [("Path", "<sip:unterminated")])
            #expect(refused.statusCode == 400)
            #expect(refused.reason == "Bad Path")

            var invite = alice.invite(bob.number, sdp: alice.sdp())
            invite.headers.add("Require", "path")
            pbx.send(invite, from: alice)
            let extensionRequired = try await pbx.outbound.response(420, .invite, to: alice.address)
            #expect(extensionRequired.headers["Unsupported"] == "path")
        }
    }
}
