import Foundation
import Testing
import VPBXNetwork
import VPBXPBX
import VPBXSDP
import VPBXSIP
import VPBXSRTP
import VPBXStore

/// SRTP offered to an extension's phones with the engine's key (`--srtp optional|mandatory`):
/// a plain caller still reaches a phone that refuses plain RTP.
@Suite("Callee's SRTP terminated", .timeLimit(.minutes(1)))
struct CalleeSRTPTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    static let deskKey = SRTPKeyMaterial.random()

    private func wantSRTP(_ policy: SRTPPolicy, _ pbx: PBXHarness) async throws {
        let updated = try await pbx.extensions.update(desk.number, with: ExtensionPatch(srtp: policy))
        await pbx.core.extensionChanged(updated)
    }

    /// `sdp` under `profile` with the desk's key line answering tag 1.
    private func secured(_ sdp: String, profile: String = "RTP/SAVP") -> String {
        SampleSDP.secured(sdp, key: Self.deskKey, profile: profile)
    }

    private func cryptoLines(_ body: [UInt8]) throws -> [SDESCrypto] {
        let sdp = try #require(SampleSDP.parse(body))
        return sdp.media[try #require(sdp.firstAudioIndex)].sdesCryptos
    }

    @Test(
        "mandatory: the desk is offered RTP/SAVP with the engine's key, its answer's key reaches the relay's B side, the caller gets plain RTP; a re-INVITE to the desk carries the same engine key"
    )
    func mandatory() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await wantSRTP(.mandatory, pbx)
            var call = try await pbx.establish(from: alice, to: desk, calleeAnswer: secured(desk.sdp(port: 4002)))
            let invite = try #require(pbx.outbound.sent.first { $0.isRequest(.invite, to: desk.address) }?.request)
            let offered = String(decoding: invite.body, as: UTF8.self)
            #expect(offered.contains("m=audio \(FakeMediaFactory.bPort) RTP/SAVP "), "\(offered)")
            let offeredLine = try #require(try cryptoLines(invite.body).first)
            #expect(offeredLine.tag == 1 && offeredLine.suite == "AES_CM_128_HMAC_SHA1_80")
            let engineKey = try #require(offeredLine.simpleInlineKey.flatMap { SRTPKeyMaterial(base64: $0) })
            let terminations = call.session.srtpTerminations
            #expect(terminations.count == 1 && terminations.first?.side == .b)
            #expect(terminations.first?.keys?.fromPhone.master == Self.deskKey)
            #expect(terminations.first?.keys?.toPhone.master == engineKey)
            let callerOK = try #require(
                pbx.outbound.sent.last { $0.isResponse(200, .invite, to: alice.address) }?.response)
            #expect(try cryptoLines(callerOK.body).isEmpty)
            #expect(String(decoding: callerOK.body, as: UTF8.self).contains("RTP/AVP"))

            pbx.send(call.caller.request(.invite, sdp: alice.sdp(port: 4020)), from: alice)
            let relayed = try await pbx.outbound.request(.invite, to: desk.address)
            #expect(String(decoding: relayed.body, as: UTF8.self).contains("RTP/SAVP"))
            #expect(try cryptoLines(relayed.body).map(\.simpleInlineKey) == [offeredLine.simpleInlineKey])
        }
    }

    @Test("optional: RTP/AVP with the engine's key; a phone without SRTP answers plain and nothing is terminated")
    func optionalAnsweredPlain() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await wantSRTP(.optional, pbx)
            let call = try await pbx.establish(from: alice, to: desk)
            let invite = try #require(pbx.outbound.sent.first { $0.isRequest(.invite, to: desk.address) }?.request)
            #expect(String(decoding: invite.body, as: UTF8.self).contains("RTP/AVP"))
            #expect(try cryptoLines(invite.body).count == 1)
            #expect(call.session.srtpTerminations.isEmpty)
        }
    }

    @Test("off (the default): the desk's offer is the caller's, plain")
    func offByDefault() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            _ = try await pbx.establish(from: alice, to: desk)
            let invite = try #require(pbx.outbound.sent.first { $0.isRequest(.invite, to: desk.address) }?.request)
            #expect(try cryptoLines(invite.body).isEmpty)
        }
    }

    @Test("an SRTP caller to an extension that wants SRTP: the desk gets the engine's key under the engine's tag, not the caller's")
    func encryptedCallerIsTerminatedToo() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await wantSRTP(.mandatory, pbx)
            let callerKey = SRTPKeyMaterial.random()
            let offer = alice.sdp().replacingOccurrences(of: "RTP/AVP ", with: "RTP/SAVP ")
                .replacingOccurrences(
                    of: "a=sendrecv",
                    with: "a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:\(callerKey.base64)\r\na=sendrecv")
            let call = try await pbx.establish(
                from: alice, to: desk, callerOffer: offer, calleeAnswer: secured(desk.sdp(port: 4002)))
            let invite = try #require(pbx.outbound.sent.first { $0.isRequest(.invite, to: desk.address) }?.request)
            let lines = try cryptoLines(invite.body)
            #expect(lines.map(\.tag) == [1] && lines.first?.simpleInlineKey != callerKey.base64[...])
            #expect(call.session.srtpTerminations.map(\.side) == [.a, .b])
        }
    }

    @Test(
        "click-to-call from an extension that wants SRTP: its phone is offered the engine's key, its answer's key terminates the relay's A side, the number rung is offered plain RTP"
    )
    func clickToCall() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let updated = try await pbx.extensions.update(alice.number, with: ExtensionPatch(srtp: .mandatory))
            await pbx.core.extensionChanged(updated)
            try await pbx.register(alice)
            try await pbx.register(desk)
            _ = try await pbx.core.originate(from: alice.number, to: desk.number)
            let invite = try await pbx.outbound.request(.invite, to: alice.address)
            #expect(String(decoding: invite.body, as: UTF8.self).contains("RTP/SAVP"))
            let offered = try #require(
                try cryptoLines(invite.body).first?.simpleInlineKey.flatMap { SRTPKeyMaterial(base64: $0) })
            let aliceKey = SRTPKeyMaterial.random()
            let answer = alice.sdp(port: 4000).replacingOccurrences(of: "RTP/AVP ", with: "RTP/SAVP ")
                .replacingOccurrences(
                    of: "a=sendrecv", with: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(aliceKey.base64)\r\na=sendrecv"
                )
            pbx.send(alice.respond(to: invite, status: 200, toTag: "alice", sdp: answer), from: alice)
            let deskInvite = try await pbx.outbound.request(.invite, to: desk.address)
            #expect(try cryptoLines(deskInvite.body).isEmpty)
            #expect(String(decoding: deskInvite.body, as: UTF8.self).contains("RTP/AVP"))
            let session = try await pbx.media.onlySession()
            let terminations = session.srtpTerminations
            #expect(terminations.count == 1 && terminations.first?.side == .a)
            #expect(
                terminations.first?.keys?.fromPhone.master == aliceKey
                    && terminations.first?.keys?.toPhone.master == offered)
            #expect(session.ringback[.a] != nil, "alice hears ringback (encrypted by the relay)")
        }
    }
}
