import Foundation
import Testing
import VPBXPBX
import VPBXSIP

/// The core bans a source that keeps failing authentication, and hides which extensions exist.
@Suite("Source bans", .timeLimit(.minutes(1)))
struct SourceBanTests {
    /// Bans after three failures, for long enough to outlast every test.
    static let configuration: PBXConfiguration = {
        var configuration = PBXHarness.configuration
        configuration.authFailureLimit = 3
        return configuration
    }()

    let bob = Cast.bobDesk

    @Test("the third wrong password bans the source: its next REGISTER is dropped, other sources still served")
    func wrongPasswordsBan() async throws {
        try await PBXHarness.run(Cast.everyone, configuration: Self.configuration) { pbx in
            for _ in 0..<3 {
                let answer = try await pbx.register(bob, password: "guess")
                #expect(answer.statusCode == 403)
            }
            let bans = await pbx.core.authBans()
            #expect(bans.map(\.source) == [bob.address.host])
            #expect(bans.first?.failures == 3)

            let answeredBefore = pbx.outbound.distinctCount { $0.destination == bob.address && $0.response != nil }
            pbx.send(bob.register(), from: bob)
            try await pbx.settle(via: Cast.alice)  // handled in order: the REGISTER was seen first
            #expect(pbx.outbound.distinctCount { $0.destination == bob.address && $0.response != nil } == answeredBefore)
            #expect(await pbx.core.currentStatistics().requestsFromBannedSources == 1)
            #expect(await pbx.core.currentStatistics().sourcesBanned == 1)

            let alicesAnswer = try await pbx.register(Cast.alice)
            #expect(alicesAnswer.statusCode == 200)
        }
    }

    @Test("a lifted ban serves the source again")
    func liftedBan() async throws {
        try await PBXHarness.run(Cast.everyone, configuration: Self.configuration) { pbx in
            for _ in 0..<3 { _ = try await pbx.register(bob, password: "guess") }
            #expect(await pbx.core.liftAuthBan(bob.address.host))
            #expect(await !pbx.core.liftAuthBan(bob.address.host))
            let accepted = try await pbx.register(bob)
            #expect(accepted.statusCode == 200)
        }
    }

    @Test("failures below the limit do not ban, and a limit of 0 never does")
    func belowLimitAndOff() async throws {
        try await PBXHarness.run(Cast.everyone, configuration: Self.configuration) { pbx in
            for _ in 0..<2 { _ = try await pbx.register(bob, password: "guess") }
            #expect(await pbx.core.authBans().isEmpty)
            let accepted = try await pbx.register(bob)
            #expect(accepted.statusCode == 200)
        }
        var off = Self.configuration
        off.authFailureLimit = 0
        try await PBXHarness.run(Cast.everyone, configuration: off) { pbx in
            for _ in 0..<5 {
                let answer = try await pbx.register(bob, password: "guess")
                #expect(answer.statusCode == 403)
            }
            #expect(await pbx.core.authBans().isEmpty)
            let accepted = try await pbx.register(bob)
            #expect(accepted.statusCode == 200)
        }
    }

    @Test("a banned source's in-dialog requests still reach its call")
    func callsGoOn() async throws {
        try await PBXHarness.run(Cast.everyone, configuration: Self.configuration) { pbx in
            let alice = Cast.alice
            var call = try await pbx.establish(from: alice, to: bob)
            // Someone else behind alice's address guesses carol's password.
            let guesser = Phone(Cast.carol.number, password: "guess", at: alice.address.host, port: 5070)
            for _ in 0..<3 {
                let answer = try await pbx.register(guesser)
                #expect(answer.statusCode == 403)
            }
            #expect(await pbx.core.authBans().map(\.source) == [alice.address.host])

            pbx.send(call.caller.request(.bye), from: alice)
            _ = try await pbx.outbound.response(200, .bye, to: alice.address)
            _ = try await pbx.outbound.request(.bye, to: bob.address)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .answered)
        }
    }

    // An unknown extension from an untrusted source: RegistrarTests.unknownExtension.
    @Test("from a trusted network an unknown extension still gets 404")
    func trustedUnknownExtension() async throws {
        var configuration = Self.configuration
        configuration.trustedNetworks = [try CIDR(parsing: "192.0.2.0/24")]
        try await PBXHarness.run(Cast.everyone, configuration: configuration) { pbx in
            let stranger = Phone("999", at: "192.0.2.99")
            pbx.send(stranger.register(), from: stranger)
            _ = try await pbx.outbound.response(404, .register, to: stranger.address)
        }
    }
}
