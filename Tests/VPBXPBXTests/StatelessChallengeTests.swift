import Foundation
import Testing
import VPBXSIP

@testable import VPBXPBX

/// RFC 3261 §8.2.7: challenges to unauthenticated requests are sent without keeping a
/// transaction, so a flood of them (a registration storm, a scanner) builds up no state.
@Suite("Digest challenges are stateless", .timeLimit(.minutes(1)))
struct StatelessChallengeTests {
    let bob = Cast.bobDesk
    let alice = Cast.alice

    @Test("a REGISTER's 401 keeps no transaction; the request resent gets a 401 again with the same To tag, and the phone registers")
    func registerChallenge() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let request = bob.register(expires: 1800)
            pbx.send(request, from: bob)
            let challenge = try await pbx.outbound.response(401, .register, to: bob.address)
            #expect(await pbx.core.serverTransactionMethods().isEmpty, "a transaction kept for the 401")
            pbx.send(request, from: bob)  // the 401 was lost: the phone resends
            try await pbx.settle(via: bob)
            let challenges = pbx.outbound.sent.filter { $0.isResponse(401, .register, to: bob.address) }
            let tags = Set(challenges.compactMap { try? $0.message.headers.toTag() })
            #expect(challenges.count == 2)
            #expect(tags.count == 1, "the same request must get the same To tag")
            #expect(await !pbx.core.serverTransactionMethods().contains(.register))

            pbx.send(try bob.authorized(request, answering: challenge), from: bob)
            _ = try await pbx.outbound.response(200, .register, to: bob.address)
            #expect(await pbx.core.registrations(extension: bob.number).count == 1)
        }
    }

    @Test("an INVITE's 407 keeps no transaction and sends no 100; its ACK is dropped; the authorized INVITE rings")
    func inviteChallenge() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(bob)
            let invite = alice.invite(bob.number, sdp: alice.sdp())
            pbx.send(invite, from: alice)
            let challenge = try await pbx.outbound.response(407, .invite, to: alice.address)
            #expect(await !pbx.core.serverTransactionMethods().contains(.invite), "a transaction kept for the 407")
            // Past the 200 ms a 100 Trying waits and several of the harness's T1 (50 ms), at
            // which a kept 407 would be resent until ACKed.
            try await Task.sleep(for: .milliseconds(300))
            let tryings = pbx.outbound.sent.filter { $0.isResponse(100, .invite, to: alice.address) }
            #expect(tryings.isEmpty)
            let sent = pbx.outbound.sent.filter { $0.isResponse(407, .invite, to: alice.address) }
            #expect(sent.count == 1, "a stateless 407 is not resent")
            pbx.send(alice.ack(failure: challenge, of: invite), from: alice)
            try await pbx.settle(via: alice)

            pbx.send(try alice.authorized(invite, answering: challenge), from: alice)
            _ = try await pbx.outbound.request(.invite, to: bob.address)
        }
    }
}
