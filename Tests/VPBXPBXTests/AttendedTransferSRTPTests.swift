import Foundation
import Testing
import VPBXPBX
import VPBXSDP
import VPBXSIP
import VPBXSRTP
import VPBXStore

/// Attended transfer when the phones speak SRTP: the receptionist's desk (101, SRTP) talks
/// to alice (100, plain), holds her, consults carol (102) and joins the two calls. The
/// moving phone (carol) is re-INVITEd to alice's call's relay; that relay's B side must take
/// carol's keys (or none, for a plain carol) in place of the desk's.
@Suite("Calls: attended transfer with SRTP", .timeLimit(.minutes(1)))
struct AttendedTransferSRTPTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let carol = Cast.carol

    private func secured(_ sdp: String, key: SRTPKeyMaterial) -> String {
        SampleSDP.secured(sdp, key: key)
    }

    private func speaksSRTP(_ number: String, _ pbx: PBXHarness) async throws {
        let updated = try await pbx.extensions.update(number, with: ExtensionPatch(srtp: .mandatory))
        await pbx.core.extensionChanged(updated)
    }

    @Test(
        "the desk (SRTP) joins alice to carol: an SRTP carol is re-INVITEd with a new engine key and her answer's key terminates alice's call's B side; a plain carol gets plain RTP and the desk's keys leave that side",
        arguments: [true, false])
    func joinMovesTheKeys(carolSpeaksSRTP: Bool) async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await speaksSRTP(desk.number, pbx)
            if carolSpeaksSRTP { try await speaksSRTP(carol.number, pbx) }
            try await pbx.register(carol)
            let deskKey = SRTPKeyMaterial.random()
            var incoming = try await pbx.establish(
                from: alice, to: desk, calleeAnswer: secured(desk.sdp(port: 4002), key: deskKey))
            #expect(incoming.session.srtpTerminations.map(\.side) == [.b])
            // The desk holds alice (its re-INVITE keeps its key).
            pbx.send(
                incoming.callee.request(
                    .invite, sdp: secured(desk.sdp(port: 4002, direction: "sendonly"), key: deskKey)),
                from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: desk.address)
            pbx.send(incoming.callee.ack(inviteCSeq: incoming.callee.cseq), from: desk)

            // The consultation: the desk calls carol.
            let consultInvite = try await pbx.placeCall(
                from: desk, to: carol.number, sdp: secured(desk.sdp(port: 4006), key: .random()))
            let toCarol = try await pbx.outbound.request(.invite, to: carol.address)
            let carolKey = SRTPKeyMaterial.random()
            let carolSDP = carolSpeaksSRTP ? secured(carol.sdp(port: 4030), key: carolKey) : carol.sdp(port: 4030)
            pbx.send(carol.respond(to: toCarol, status: 200, toTag: "carol-tag", sdp: carolSDP), from: carol)
            _ = try await pbx.outbound.request(.ack, to: carol.address)
            let consultOK = try await pbx.outbound.response(200, .invite, to: desk.address)
            let deskConsult = try PhoneDialog(caller: desk, invite: consultInvite, ok: consultOK)
            pbx.send(deskConsult.ack(inviteCSeq: try consultInvite.headers.cseq().number), from: desk)
            try await pbx.settle(via: desk)

            // REFER in alice's call naming the consultation.
            var refer = incoming.callee.request(.refer)
            let replaces =
                "\(deskConsult.callID);to-tag=\(try #require(try consultOK.headers.toTag()));from-tag=\(try #require(try consultInvite.headers.fromTag()))"
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
                ?? ""
            refer.headers.add("Refer-To", "<sip:\(carol.number)@\(Phone.domain)?Replaces=\(replaces)>")
            pbx.send(refer, from: desk)
            _ = try await pbx.outbound.response(202, .refer, to: desk.address)

            let reInvite = try await pbx.outbound.next("the re-INVITE to carol") {
                $0.request?.method == .invite && $0.destination == carol.address
                    && (try? $0.request?.headers.cseq().number) == 2
            }.request!
            let offered = try #require(SampleSDP.parse(reInvite.body))
            let lines = offered.media[try #require(offered.firstAudioIndex)].sdesCryptos
            let newCarolKey = SRTPKeyMaterial.random()
            var answer = carol.sdp(port: 4032)
            if carolSpeaksSRTP {
                #expect(offered.media[0].proto == "RTP/SAVP" && lines.count == 1)
                answer = secured(answer, key: newCarolKey)
            } else {
                #expect(lines.isEmpty)
            }
            var ok = SIPResponse(to: reInvite, status: 200, toTag: nil)
            ok.headers.add("Contact", "<\(carol.contact)>")
            ok.headers.add("Content-Type", "application/sdp")
            ok.body = Array(answer.utf8)
            pbx.send(ok, from: carol)
            try await eventually("the desk hung up in both calls") {
                pbx.outbound.sent.filter { $0.isRequest(.bye, to: desk.address) }.count == 2
            }
            let last = try #require(incoming.session.srtpTerminations.last)
            #expect(last.side == .b)
            if carolSpeaksSRTP {
                #expect(last.keys?.fromPhone.master == newCarolKey)
                #expect(last.keys?.toPhone.master.base64 == lines.first?.simpleInlineKey.map(String.init))
            } else {
                #expect(last.keys == nil, "the desk's keys left on the side carol now sends to")
            }
        }
    }
}
