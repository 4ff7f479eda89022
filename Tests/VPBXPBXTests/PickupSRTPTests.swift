import Foundation
import Testing
import VPBXPBX
import VPBXSDP
import VPBXSIP
import VPBXSRTP
import VPBXStore

/// Pickup (`*8`) of a call when either phone speaks SRTP: the engine answers both phones
/// itself, so each gets the engine's key and the relay terminates both sides' SRTP.
@Suite("Pickup with SRTP", .timeLimit(.minutes(1)))
struct PickupSRTPTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let carol = Cast.carol

    private func secured(_ sdp: String, key: SRTPKeyMaterial) -> String {
        SampleSDP.secured(sdp, key: key, tag: 2)
    }

    /// The crypto lines of `body`'s first audio stream.
    private func cryptos(_ body: [UInt8]) throws -> [SDESCrypto] {
        let sdp = try #require(SampleSDP.parse(body))
        return sdp.media[try #require(sdp.firstAudioIndex)].sdesCryptos
    }

    /// Carol dials `*8101` with `offer`; returns her final answer and the caller's 200.
    private func pickUp(_ pbx: PBXHarness, offer: String) async throws -> (picker: SIPResponse, caller: SIPResponse) {
        let invite = try await pbx.placeCall(from: carol, to: "*8101", sdp: offer)
        let answer = try await pbx.outbound.next("final answer to Carol") {
            $0.destination == carol.address && $0.cseqMethod == .invite && ($0.response?.statusCode ?? 0) >= 200
                && $0.response?.headers.callID == invite.headers.callID
        }.response!
        return (answer, try await pbx.outbound.response(200, .invite, to: alice.address))
    }

    @Test(
        "an SRTP picker of a plain call is answered RTP/SAVP with the engine's key; the caller plain; the relay terminates side B"
    )
    func srtpPicker() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            _ = try await pbx.dial(from: alice, to: [desk])
            let session = try await pbx.media.onlySession()
            let carolKey = SRTPKeyMaterial.random()
            let (picker, caller) = try await pickUp(pbx, offer: secured(carol.sdp(port: 4050), key: carolKey))
            #expect(picker.statusCode == 200)
            #expect(String(decoding: picker.body, as: UTF8.self).contains("RTP/SAVP "))
            let line = try #require(try cryptos(picker.body).first)
            #expect(line.tag == 2 && line.simpleInlineKey != carolKey.base64[...])
            #expect(try cryptos(caller.body).isEmpty)
            #expect(session.srtpTerminations.map(\.side) == [.b])
            #expect(session.srtpTerminations.first?.keys?.fromPhone.master == carolKey)
            #expect(
                session.srtpTerminations.first?.keys?.toPhone.master.base64 == line.simpleInlineKey.map(String.init))
            #expect(await pbx.core.callSnapshots().map(\.encrypted) == [true])
        }
    }

    @Test(
        "a plain picker of an SRTP call ringing an SRTP phone: the caller is answered with the engine's key (its SRTP terminated on side A), the picker plain"
    )
    func plainPickerOfSRTPCall() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let updated = try await pbx.extensions.update(desk.number, with: ExtensionPatch(srtp: .mandatory))
            await pbx.core.extensionChanged(updated)
            let aliceKey = SRTPKeyMaterial.random()
            let ringing = try await pbx.dial(from: alice, to: [desk], callerOffer: secured(alice.sdp(), key: aliceKey))
            #expect(!String(decoding: ringing.calleeInvites[0].body, as: UTF8.self).contains(aliceKey.base64))
            let session = try await pbx.media.onlySession()
            let (picker, caller) = try await pickUp(pbx, offer: carol.sdp(port: 4050))
            #expect(picker.statusCode == 200)
            #expect(try cryptos(picker.body).isEmpty)
            #expect(String(decoding: caller.body, as: UTF8.self).contains("RTP/SAVP "))
            let line = try #require(try cryptos(caller.body).first)
            #expect(line.tag == 2 && line.simpleInlineKey != aliceKey.base64[...])
            #expect(session.srtpTerminations.map(\.side) == [.a])
            #expect(session.srtpTerminations.first?.keys?.fromPhone.master == aliceKey)
        }
    }

    @Test(
        "a picker of an extension that speaks SRTP dials *8101 without an offer: the engine's offer carries its key, the ACK's answer terminates side B"
    )
    func lateOfferPicker() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let updated = try await pbx.extensions.update(carol.number, with: ExtensionPatch(srtp: .mandatory))
            await pbx.core.extensionChanged(updated)
            _ = try await pbx.dial(from: alice, to: [desk])
            let session = try await pbx.media.onlySession()
            let invite = try await pbx.placeCall(from: carol, to: "*8101", sdp: nil)
            let ok = try await pbx.outbound.next("the picker's 200") {
                $0.destination == carol.address && $0.response?.statusCode == 200
                    && $0.response?.headers.callID == invite.headers.callID
            }.response!
            #expect(String(decoding: ok.body, as: UTF8.self).contains("RTP/SAVP "))
            let offered = try #require(try cryptos(ok.body).first)
            let carolKey = SRTPKeyMaterial.random()
            let dialog = try PhoneDialog(caller: carol, invite: invite, ok: ok)
            pbx.send(
                dialog.ack(
                    inviteCSeq: try invite.headers.cseq().number, sdp: secured(carol.sdp(port: 4050), key: carolKey)),
                from: carol)
            try await eventually("the picker's key terminated") { session.srtpTerminations.count == 1 }
            #expect(session.srtpTerminations.first?.side == .b)
            #expect(session.srtpTerminations.first?.keys?.fromPhone.master == carolKey)
            #expect(
                session.srtpTerminations.first?.keys?.toPhone.master.base64 == offered.simpleInlineKey.map(String.init))
            try await eventually("the relay pointed at the picker") {
                session.remotes.contains(.init(side: .b, host: carol.address.host, port: 4050))
            }
        }
    }
}
