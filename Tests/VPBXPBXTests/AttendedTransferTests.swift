import Foundation
import Testing
import VPBXPBX
import VPBXSIP

/// Attended transfer: the receptionist (desk, 101) talks to alice (100), holds her, calls
/// carol (102), then transfers with a REFER whose Refer-To names the other call's dialog in
/// a Replaces. The engine joins the two calls.
@Suite("Calls: attended transfer (REFER with Replaces)", .timeLimit(.minutes(1)))
struct AttendedTransferTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let carol = Cast.carol

    /// Alice's call to the desk (held by the desk, music to alice) and the desk's consultation
    /// call to carol, both answered.
    struct TwoCalls {
        var incoming: PBXHarness.Established
        /// The desk's side of the consultation call, and carol's.
        var deskConsult: PhoneDialog
        var carolConsult: PhoneDialog
        let consultInvite: SIPRequest
        let consultOK: SIPResponse
        /// The engine's INVITE to the desk for alice's call, and the desk's answer.
        let incomingInvite: SIPRequest
    }

    private func twoCalls(_ pbx: PBXHarness) async throws -> TwoCalls {
        try await pbx.register(carol)
        var incoming = try await pbx.establish(from: alice, to: desk)
        let incomingInvite = try #require(pbx.outbound.sent.last { $0.isRequest(.invite, to: desk.address) }?.request)
        pbx.send(incoming.callee.request(.invite, sdp: desk.sdp(port: 4002, direction: "sendonly")), from: desk)
        _ = try await pbx.outbound.response(200, .invite, to: desk.address)
        pbx.send(incoming.callee.ack(inviteCSeq: incoming.callee.cseq), from: desk)
        try await eventually("music to alice while held") { incoming.session.music[.a] != nil }

        let consultInvite = try await pbx.placeCall(from: desk, to: carol.number, sdp: desk.sdp(port: 4006))
        let toCarol = try await pbx.outbound.request(.invite, to: carol.address)
        let carolOK = carol.respond(to: toCarol, status: 200, toTag: "carol-tag", sdp: carol.sdp(port: 4030))
        pbx.send(carolOK, from: carol)
        _ = try await pbx.outbound.request(.ack, to: carol.address)
        let consultOK = try await pbx.outbound.response(200, .invite, to: desk.address)
        let deskConsult = try PhoneDialog(caller: desk, invite: consultInvite, ok: consultOK)
        pbx.send(deskConsult.ack(inviteCSeq: try consultInvite.headers.cseq().number), from: desk)
        try await pbx.settle(via: desk)
        return TwoCalls(
            incoming: incoming, deskConsult: deskConsult,
            carolConsult: try PhoneDialog(callee: carol, invite: toCarol, ok: carolOK), consultInvite: consultInvite,
            consultOK: consultOK, incomingInvite: incomingInvite)
    }

    /// `Refer-To: <sip:NUMBER@domain?Replaces=...>` naming a dialog as the desk sees it.
    private func referTo(_ number: String, callID: String, engineTag: String, deskTag: String) -> String {
        let replaces = "\(callID);to-tag=\(engineTag);from-tag=\(deskTag)"
            .addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
        return "<sip:\(number)@\(Phone.domain)?Replaces=\(replaces)>"
    }

    /// The REFER in alice's call naming the consultation call.
    private func referInIncoming(_ calls: inout TwoCalls) throws -> SIPRequest {
        var refer = calls.incoming.callee.request(.refer)
        refer.headers.add(
            "Refer-To",
            referTo(
                carol.number, callID: calls.deskConsult.callID, engineTag: try #require(try calls.consultOK.headers.toTag()),
                deskTag: try #require(try calls.consultInvite.headers.fromTag())))
        return refer
    }



    /// The join's re-INVITE to carol, in her dialog of the consultation.
    private func reInviteToCarol(_ pbx: PBXHarness, calls: TwoCalls) async throws -> SIPRequest {
        try await pbx.outbound.next("the re-INVITE to carol") {
            $0.request?.method == .invite && $0.destination == carol.address && $0.request?.headers.callID == calls.carolConsult.callID
        }.request!
    }

    /// Carol answers the join's re-INVITE; returns it.
    private func carolAcceptsTheMove(_ pbx: PBXHarness, calls: TwoCalls) async throws -> SIPRequest {
        let reInvite = try await reInviteToCarol(pbx, calls: calls)
        var ok = SIPResponse(to: reInvite, status: 200, toTag: nil)
        ok.headers.add("Contact", "<\(carol.contact)>")
        ok.headers.add("Content-Type", "application/sdp")
        ok.body = Array(carol.sdp(port: 4032).utf8)
        pbx.send(ok, from: carol)
        return reInvite
    }

    /// What every join ends with: one call from alice to carol, the desk gone from both, the
    /// relay's B side moved to carol's new port, alice's music stopped.
    private func expectJoined(_ pbx: PBXHarness, calls: TwoCalls) async throws {
        try await eventually("the desk hung up in both calls") {
            Set(pbx.outbound.sent.filter { $0.isRequest(.bye, to: desk.address) }.compactMap { $0.request?.headers.callID })
                == [calls.incoming.callee.callID, calls.deskConsult.callID]
        }
        let snapshots = await pbx.core.callSnapshots()
        #expect(snapshots.map(\.caller) == ["100"] && snapshots.map(\.callee) == ["102"], "\(snapshots)")
        let session = calls.incoming.session
        try await eventually("the relay's B side at carol, away from the desk") {
            session.remotes.contains(.init(side: .b, host: carol.address.host, port: 4032)) && session.relatchedAway == [.b]
        }
        #expect(session.music[.a] == nil)
        #expect(snapshots.first?.heldBy == [])
    }

    @Test("REFER in the held call naming the consultation: carol re-INVITEd to the held call's relay, NOTIFY 100 then 200, the desk hung up in both; alice and carol talk, one CDR each")
    func referInTheHeldCall() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var calls = try await twoCalls(pbx)
            pbx.send(try referInIncoming(&calls), from: desk)
            _ = try await pbx.outbound.response(202, .refer, to: desk.address)
            let trying = try await pbx.notify(to: desk, saying: "SIP/2.0 100 Trying")
            #expect(trying.headers.callID == calls.incoming.callee.callID)

            let reInvite = try await carolAcceptsTheMove(pbx, calls: calls)
            #expect(SampleSDP.parse(reInvite.body)?.audioEndpoint?.port == FakeMediaFactory.bPort)
            #expect(try reInvite.headers.cseq().number == 2, "the engine's next request in carol's dialog, after its INVITE")
            _ = try await pbx.outbound.next("the ACK of carol's 200") {
                $0.request?.method == .ack && $0.destination == carol.address && (try? $0.request?.headers.cseq().number) == 2
            }
            let done = try await pbx.notify(to: desk, saying: "SIP/2.0 200 OK")
            #expect(done.headers["Subscription-State"] == "terminated;reason=noresource")
            try await expectJoined(pbx, calls: calls)

            // Alice hangs up: carol gets the BYE, in her dialog.
            pbx.send(calls.incoming.caller.request(.bye), from: alice)
            let bye = try await pbx.outbound.request(.bye, to: carol.address)
            #expect(bye.headers.callID == calls.carolConsult.callID)
            let record = try await pbx.finishedCDR(of: "100")
            #expect(record.path?.contains("transfer:102") == true, "\(record.path ?? [])")
            let consult = try await eventually("the consultation's record") {
                try await pbx.cdrs.search(.init(number: "102")).first { $0.caller == "101" && $0.disposition != .inProgress }
            }
            #expect(consult.cause == "transferred")
            try await eventually("no dialog left behind") { await pbx.core.callDialogCount == 0 }
        }
    }

    @Test("REFER in the consultation naming the held call: the same join, NOTIFYs in the consultation's dialog")
    func referInTheConsultation() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var calls = try await twoCalls(pbx)
            var refer = calls.deskConsult.request(.refer)
            refer.headers.add(
                "Refer-To",
                referTo(
                    alice.number, callID: calls.incoming.callee.callID,
                    engineTag: try #require(try calls.incomingInvite.headers.fromTag()), deskTag: "callee-tag"))
            pbx.send(refer, from: desk)
            _ = try await pbx.outbound.response(202, .refer, to: desk.address)
            _ = try await carolAcceptsTheMove(pbx, calls: calls)
            try await eventually("NOTIFY 100, then 200, in the consultation's dialog") {
                // Each once: unanswered here, a NOTIFY may be resent at the harness's 50 ms T1.
                var seen = Set<UInt32>()
                let notifies = pbx.outbound.sent.filter { $0.isRequest(.notify, to: desk.address) }.compactMap(\.request)
                    .filter { seen.insert((try? $0.headers.cseq().number) ?? 0).inserted }
                return notifies.map(\.sipfrag) == ["SIP/2.0 100 Trying", "SIP/2.0 200 OK"]
                    && notifies.allSatisfy { $0.headers.callID == calls.deskConsult.callID }
            }
            try await expectJoined(pbx, calls: calls)
        }
    }

    @Test("carol's phone refuses the re-INVITE: NOTIFY 488 to the desk, both calls go on as they were")
    func refusedMove() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var calls = try await twoCalls(pbx)
            pbx.send(try referInIncoming(&calls), from: desk)
            _ = try await pbx.outbound.response(202, .refer, to: desk.address)
            let reInvite = try await reInviteToCarol(pbx, calls: calls)
            pbx.send(SIPResponse(to: reInvite, status: 488, toTag: nil), from: carol)
            let failed = try await pbx.outbound.next("NOTIFY with the failure") {
                $0.isRequest(.notify, to: desk.address) && (try? $0.request?.headers.cseq().number) != nil
                    && $0.request?.sipfrag.hasPrefix("SIP/2.0 488") == true
            }.request!
            #expect(failed.headers["Subscription-State"] == "terminated;reason=noresource")
            try await pbx.settle(via: desk)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.bye, to: desk.address) } == 0)
            let snapshots = await pbx.core.callSnapshots()
            #expect(Set(snapshots.map { "\($0.caller)>\($0.callee)" }) == ["100>101", "101>102"])
            #expect(calls.incoming.session.music[.a] != nil, "alice is still held")
            // And the held call can be transferred again (nothing left pending).
            pbx.send(calls.incoming.callee.request(.invite, sdp: desk.sdp(port: 4002, direction: "sendrecv")), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: desk.address)
        }
    }

    @Test("refused: a Replaces without its tags (400), one naming no call (404), two calls that both came in to the desk (501)")
    func refusedJoins() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            var incoming = try await pbx.establish(from: alice, to: desk)
            var bad = incoming.callee.request(.refer)
            bad.headers.add("Refer-To", "<sip:102@\(Phone.domain)?Replaces=abc%40phone>")
            pbx.send(bad, from: desk)
            _ = try await pbx.outbound.response(400, .refer, to: desk.address)
            var refer = incoming.callee.request(.refer)
            refer.headers.add("Refer-To", referTo("102", callID: "nothing@phone", engineTag: "x", deskTag: "y"))
            pbx.send(refer, from: desk)
            _ = try await pbx.outbound.response(404, .refer, to: desk.address)

            // Carol calls the desk's other line: a second call into the desk.
            let carolInvite = try await pbx.placeCall(from: carol, to: desk.number, sdp: carol.sdp(port: 4030))
            let toDesk = try await pbx.outbound.next("the second INVITE to the desk") {
                $0.request?.method == .invite && $0.destination == desk.address && $0.request?.headers.callID != incoming.callee.callID
            }.request!
            let deskOK = desk.respond(to: toDesk, status: 200, toTag: "desk-line-2", sdp: desk.sdp(port: 4008))
            pbx.send(deskOK, from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: carol.address)
            _ = carolInvite
            var join = incoming.callee.request(.refer)
            join.headers.add(
                "Refer-To",
                referTo("102", callID: toDesk.headers.callID ?? "", engineTag: try #require(try toDesk.headers.fromTag()), deskTag: "desk-line-2"))
            pbx.send(join, from: desk)
            _ = try await pbx.outbound.response(501, .refer, to: desk.address)
            #expect(await pbx.core.callSnapshots().count == 2)
        }
    }
}
