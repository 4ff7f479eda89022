import Foundation
import Testing
import VPBXPBX
import VPBXSDP
import VPBXSIP
import VPBXSRTP
import VPBXStore

/// SRTP toward a provider (`vpbx trunk set NAME --srtp optional|mandatory`): the provider is
/// offered the engine's key and its leg terminated on the relay's B side, as an SRTP phone's.
@Suite("Trunks: SRTP toward the provider", .timeLimit(.minutes(1)))
struct TrunkSRTPTests {
    let alice = Cast.alice
    let provider = Phone("+3612345600", at: "192.0.2.77")
    let backup = Phone("+3612345600", at: "192.0.2.78")
    static let providerKey = SRTPKeyMaterial.random()

    /// `carrier` (speaking SRTP as `policy` says) first, `backup` (plain) second.
    private func plan(_ policy: SRTPPolicy) -> DialPlan {
        var plan = DialPlan()
        plan.trunks = [
            Trunk(name: "carrier", host: provider.address.host, numberFormat: .digits, srtp: policy),
            Trunk(name: "backup", host: backup.address.host, numberFormat: .digits, priority: 2),
        ]
        return plan
    }

    private func cryptoLines(_ body: [UInt8]) throws -> [SDESCrypto] {
        let sdp = try #require(SampleSDP.parse(body))
        return sdp.media[try #require(sdp.firstAudioIndex)].sdesCryptos
    }

    @Test("mandatory: RTP/SAVP with the engine's key to the provider, its answer's key on the relay's B side, plain RTP to the caller")
    func mandatory() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan(.mandatory))
            _ = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
            let invite = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(String(decoding: invite.body, as: UTF8.self).contains("m=audio \(FakeMediaFactory.bPort) RTP/SAVP "))
            let offered = try #require(try cryptoLines(invite.body).first)
            let engineKey = try #require(offered.simpleInlineKey.flatMap { SRTPKeyMaterial(base64: $0) })
            let answer = SampleSDP.secured(provider.sdp(port: 4100), key: Self.providerKey)
            pbx.send(provider.respond(to: invite, status: 200, toTag: "p1", sdp: answer), from: provider)
            _ = try await pbx.outbound.request(.ack, to: provider.address)
            let callerOK = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(try cryptoLines(callerOK.body).isEmpty)
            let session = try #require(pbx.media.all.last)
            let termination = try #require(session.srtpTerminations.last)
            #expect(termination.side == .b)
            #expect(termination.keys?.fromPhone.master == Self.providerKey)
            #expect(termination.keys?.toPhone.master == engineKey)
        }
    }

    @Test("a provider that fails: the next trunk (plain) gets the caller's offer without the first one's key")
    func failOverToAPlainTrunk() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan(.mandatory))
            _ = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
            let first = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(try cryptoLines(first.body).count == 1)
            pbx.send(provider.respond(to: first, status: 503, toTag: "down"), from: provider)
            let second = try await pbx.outbound.request(.invite, to: backup.address)
            #expect(try cryptoLines(second.body).isEmpty)
            #expect(String(decoding: second.body, as: UTF8.self).contains("RTP/AVP"))
            pbx.send(backup.respond(to: second, status: 200, toTag: "b1", sdp: backup.sdp(port: 4200)), from: backup)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(try #require(pbx.media.all.last).srtpTerminations.allSatisfy { $0.keys == nil })
        }
    }

    @Test("off (the default): the provider gets the caller's offer, plain")
    func offByDefault() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan(.off))
            _ = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
            let invite = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(try cryptoLines(invite.body).isEmpty)
        }
    }
}
