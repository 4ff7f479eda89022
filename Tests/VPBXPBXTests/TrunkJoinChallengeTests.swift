import Foundation
import Testing
import VPBXPBX
import VPBXSIP
import VPBXSignaling

/// An attended transfer to a number called out through a trunk: the receptionist (desk,
/// 101) talks to alice, calls a mobile through the provider to announce her, and transfers.
/// The engine moves the provider's leg into alice's call with a re-INVITE of its own, which
/// a provider that challenges every request answers with 407.
@Suite("Trunks: the join's re-INVITE challenged", .timeLimit(.minutes(1)))
struct TrunkJoinChallengeTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let provider = Phone("+3612345600", at: "192.0.2.77")

    private func plan() -> DialPlan {
        var plan = DialPlan()
        plan.trunks = [
            Trunk(name: "carrier", host: provider.address.host, username: "office", password: "tr-secret", numberFormat: .digits)
        ]
        return plan
    }

    /// Alice's call to the desk and the desk's consultation call out to a mobile, both
    /// answered; the REFER in alice's call naming the consultation, and the provider's side.
    private func transferToTheMobile(_ pbx: PBXHarness) async throws -> (refer: SIPRequest, mobile: PhoneDialog) {
        await pbx.core.setDialPlan(plan())
        let incoming = try await pbx.establish(from: alice, to: desk)
        let consultInvite = try await pbx.placeCall(from: desk, to: "06301234567", sdp: desk.sdp(port: 4006))
        let toMobile = try await pbx.outbound.request(.invite, to: provider.address)
        let mobileOK = provider.respond(to: toMobile, status: 200, toTag: "mobile-tag", sdp: provider.sdp(port: 4100))
        pbx.send(mobileOK, from: provider)
        _ = try await pbx.outbound.request(.ack, to: provider.address)
        let consultOK = try await pbx.outbound.response(200, .invite, to: desk.address)
        let deskConsult = try PhoneDialog(caller: desk, invite: consultInvite, ok: consultOK)
        pbx.send(deskConsult.ack(inviteCSeq: try consultInvite.headers.cseq().number), from: desk)
        try await pbx.settle(via: desk)

        let replaces =
            "\(deskConsult.callID);to-tag=\(try #require(try consultOK.headers.toTag()));from-tag=\(try #require(try consultInvite.headers.fromTag()))"
            .addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
        var callee = incoming.callee
        var refer = callee.request(.refer)
        refer.headers.add("Refer-To", "<sip:06301234567@\(Phone.domain)?Replaces=\(replaces)>")
        return (refer, try PhoneDialog(callee: provider, invite: toMobile, ok: mobileOK))
    }

    /// The join's re-INVITE to the provider, in the mobile's dialog, after `cseq`.
    private func joinReInvite(_ pbx: PBXHarness, mobile: PhoneDialog, after cseq: UInt32) async throws -> SIPRequest {
        try await pbx.outbound.next("the join's re-INVITE to the provider") {
            $0.isRequest(.invite, to: provider.address) && $0.request?.headers.callID == mobile.callID
                && ((try? $0.request?.headers.cseq().number) ?? 0) > cseq
        }.request!
    }

    private func challenge(_ reInvite: SIPRequest, nonce: String) -> SIPResponse {
        var challenge = provider.respond(to: reInvite, status: 407, toTag: "mobile-tag")
        challenge.headers.add("Proxy-Authenticate", "Digest realm=\"carrier.example\", nonce=\"\(nonce)\"")
        return challenge
    }

    @Test("the provider's 407 to the join's re-INVITE is answered with the trunk's credentials; its 200 completes the transfer")
    func joinChallengeIsAnswered() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (refer, mobile) = try await transferToTheMobile(pbx)
            pbx.send(refer, from: desk)
            _ = try await pbx.outbound.response(202, .refer, to: desk.address)
            let first = try await joinReInvite(pbx, mobile: mobile, after: 1)
            #expect(first.headers["Proxy-Authorization"] == nil)
            pbx.send(challenge(first, nonce: "n-join"), from: provider)
            let again = try await joinReInvite(pbx, mobile: mobile, after: try first.headers.cseq().number)
            #expect(try again.headers.cseq().number == first.headers.cseq().number + 1)
            #expect(again.body == first.body, "the same offer: alice's side of the relay")
            let credentials = try DigestCredentials(parsing: try #require(again.headers["Proxy-Authorization"]))
            let ha1 = DigestHash.ha1(username: "office", realm: "carrier.example", password: "tr-secret", algorithm: .md5)
            #expect(credentials.response == DigestHash.response(ha1: ha1, method: "INVITE", credentials: credentials))
            let firstCSeq = try first.headers.cseq().number
            #expect(
                pbx.outbound.sent.contains {
                    $0.isRequest(.ack, to: provider.address) && (try? $0.request?.headers.cseq().number) == firstCSeq
                }, "the 407 ACKed in its transaction")

            var ok = SIPResponse(to: again, status: 200, toTag: nil)
            ok.headers.add("Contact", "<\(provider.contact)>")
            ok.headers.add("Content-Type", "application/sdp")
            ok.body = Array(provider.sdp(port: 4102).utf8)
            pbx.send(ok, from: provider)
            let againCSeq = try again.headers.cseq().number
            _ = try await pbx.outbound.next("the ACK of the provider's 200") {
                $0.isRequest(.ack, to: provider.address) && (try? $0.request?.headers.cseq().number) == againCSeq
            }
            _ = try await pbx.notify(to: desk, saying: "SIP/2.0 200 OK")
            let snapshots = await pbx.core.callSnapshots()
            #expect(snapshots.map(\.caller) == ["100"] && snapshots.map(\.callee) == ["+36301234567"], "\(snapshots)")
            #expect(!pbx.outbound.sent.contains { $0.request?.sipfrag.hasPrefix("SIP/2.0 407") == true })
        }
    }

    @Test("a second challenge (refused credentials) is not answered again: NOTIFY 407 to the desk, both calls go on")
    func secondChallengeRefusesTheJoin() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (refer, mobile) = try await transferToTheMobile(pbx)
            pbx.send(refer, from: desk)
            _ = try await pbx.outbound.response(202, .refer, to: desk.address)
            let first = try await joinReInvite(pbx, mobile: mobile, after: 1)
            pbx.send(challenge(first, nonce: "n-1"), from: provider)
            let again = try await joinReInvite(pbx, mobile: mobile, after: try first.headers.cseq().number)
            pbx.send(challenge(again, nonce: "n-2"), from: provider)
            _ = try await pbx.notify(to: desk, saying: "SIP/2.0 407 Proxy Authentication Required")
            try await pbx.settle(via: desk)
            let reInvites = pbx.outbound.sent.filter {
                $0.isRequest(.invite, to: provider.address) && $0.request?.headers.callID == mobile.callID
            }
            #expect(Set(reInvites.compactMap { try? $0.request?.headers.cseq().number }).count == 3, "the call's INVITE and two re-INVITEs")
            #expect(await pbx.core.callSnapshots().count == 2)
        }
    }
}
