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

    @Test("refused: a Replaces without its tags (400), one naming no call (404)")
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

        }
    }

    /// An answered, ACKed call from `caller` to `callee`, whose phone answers with `calleeTag`
    /// at `calleePort`: each side's dialog, as its phone has it.
    private func answeredCall(
        _ pbx: PBXHarness, from caller: Phone, to callee: Phone, calleeTag: String, calleePort: Int
    ) async throws -> (caller: PhoneDialog, callee: PhoneDialog) {
        let invite = try await pbx.placeCall(from: caller, to: callee.number, sdp: caller.sdp(port: calleePort + 100))
        let toCallee = try await pbx.outbound.request(.invite, to: callee.address)
        let ok = callee.respond(to: toCallee, status: 200, toTag: calleeTag, sdp: callee.sdp(port: calleePort))
        pbx.send(ok, from: callee)
        _ = try await pbx.outbound.request(.ack, to: callee.address)
        let callerOK = try await pbx.outbound.response(200, .invite, to: caller.address)
        let callerSide = try PhoneDialog(caller: caller, invite: invite, ok: callerOK)
        pbx.send(callerSide.ack(inviteCSeq: try invite.headers.cseq().number), from: caller)
        try await pbx.settle(via: caller)
        return (callerSide, try PhoneDialog(callee: callee, invite: toCallee, ok: ok))
    }

    /// The desk's REFER in `dialog` naming `other` (the desk's dialog of its other call, the
    /// engine's tag and the desk's as the desk sees them).
    private func join(_ dialog: inout PhoneDialog, naming other: PhoneDialog, to number: String) throws -> SIPRequest {
        var refer = dialog.request(.refer)
        let engineTag = try #require(Self.tag(other.remote))
        let deskTag = try #require(Self.tag(other.local))
        refer.headers.add("Refer-To", referTo(number, callID: other.callID, engineTag: engineTag, deskTag: deskTag))
        return refer
    }

    private static func tag(_ value: String) -> String? {
        value.range(of: ";tag=").map { String(value[$0.upperBound...].prefix { $0 != ";" }) }
    }

    @Test(
        "two calls that both came in to the desk (or both went out): the other call's parties change places, and the desk's REFER joins them",
        arguments: [true, false])
    func joinOfTwoCallsAlike(incoming: Bool) async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            try await pbx.register(desk)
            try await pbx.register(alice)
            // Incoming: alice calls the desk, then carol does. Outgoing: the desk calls alice,
            // then carol.
            let first = incoming
                ? try await answeredCall(pbx, from: alice, to: desk, calleeTag: "desk-line-1", calleePort: 4002)
                : try await answeredCall(pbx, from: desk, to: alice, calleeTag: "alice-tag", calleePort: 4000)
            let second = incoming
                ? try await answeredCall(pbx, from: carol, to: desk, calleeTag: "desk-line-2", calleePort: 4008)
                : try await answeredCall(pbx, from: desk, to: carol, calleeTag: "carol-tag", calleePort: 4030)
            var deskFirst = incoming ? first.callee : first.caller
            let deskSecond = incoming ? second.callee : second.caller
            let carolsSide = incoming ? second.caller : second.callee
            let sessions = pbx.media.all
            #expect(sessions.count == 2)

            pbx.send(try join(&deskFirst, naming: deskSecond, to: carol.number), from: desk)
            _ = try await pbx.outbound.response(202, .refer, to: desk.address)
            _ = try await pbx.notify(to: desk, saying: "SIP/2.0 100 Trying")
            // Incoming: carol moves into alice's call (its relay's B side). Outgoing: alice
            // moves into carol's call, whose parties changed places (carol its caller, so its
            // B side is the relay's A side, where the desk's phone sent).
            let moving = incoming ? carol : alice
            let movingCallID = incoming ? carolsSide.callID : first.callee.callID
            let reInvite = try await pbx.outbound.next("the re-INVITE moving \(moving.number)") {
                $0.request?.method == .invite && $0.destination == moving.address && $0.request?.headers.callID == movingCallID
            }.request!
            let keeperSession = incoming ? sessions[0] : sessions[1]
            let keeperPort = incoming ? FakeMediaFactory.bPort : FakeMediaFactory.aPort
            #expect(SampleSDP.parse(reInvite.body)?.audioEndpoint?.port == keeperPort)
            var ok = SIPResponse(to: reInvite, status: 200, toTag: nil)
            ok.headers.add("Contact", "<\(moving.contact)>")
            ok.headers.add("Content-Type", "application/sdp")
            ok.body = Array(moving.sdp(port: 4032).utf8)
            pbx.send(ok, from: moving)
            _ = try await pbx.notify(to: desk, saying: "SIP/2.0 200 OK")
            try await eventually("the desk hung up in both calls") {
                Set(pbx.outbound.sent.filter { $0.isRequest(.bye, to: desk.address) }.compactMap { $0.request?.headers.callID })
                    == [deskFirst.callID, deskSecond.callID]
            }
            let snapshots = await pbx.core.callSnapshots()
            let expected = incoming ? ("100", "102") : ("102", "100")
            #expect(snapshots.map(\.caller) == [expected.0] && snapshots.map(\.callee) == [expected.1], "\(snapshots)")
            let keeperSide: MediaSide = incoming ? .b : .a
            try await eventually("the keeper's relay side at the moved phone, away from the desk") {
                keeperSession.remotes.contains(.init(side: keeperSide, host: moving.address.host, port: 4032))
                    && keeperSession.relatchedAway == [keeperSide]
            }
        }
    }

    @Test("two calls into the desk, the moving phone refusing the re-INVITE: NOTIFY 488, and both calls are as they were (carol the caller of hers)")
    func refusedJoinOfTwoIncomingCalls() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            try await pbx.register(desk)
            let first = try await answeredCall(pbx, from: alice, to: desk, calleeTag: "desk-line-1", calleePort: 4002)
            var second = try await answeredCall(pbx, from: carol, to: desk, calleeTag: "desk-line-2", calleePort: 4008)
            var deskFirst = first.callee
            pbx.send(try join(&deskFirst, naming: second.callee, to: carol.number), from: desk)
            _ = try await pbx.outbound.response(202, .refer, to: desk.address)
            let reInvite = try await pbx.outbound.next("the re-INVITE to carol") {
                $0.request?.method == .invite && $0.destination == carol.address && $0.request?.headers.callID == second.caller.callID
            }.request!
            pbx.send(SIPResponse(to: reInvite, status: 488, toTag: nil), from: carol)
            _ = try await pbx.notify(to: desk, saying: "SIP/2.0 488 Not Acceptable Here")
            let snapshots = await pbx.core.callSnapshots().sorted { $0.caller < $1.caller }
            #expect(snapshots.map(\.caller) == ["100", "102"] && snapshots.map(\.callee) == ["101", "101"], "\(snapshots)")
            #expect(snapshots.last?.callerMediaPort == FakeMediaFactory.aPort)

            // Carol's call is hers again: her BYE ends it, the desk gets BYE in its dialog.
            pbx.send(second.caller.request(.bye), from: carol)
            _ = try await pbx.outbound.response(200, .bye, to: carol.address)
            let bye = try await pbx.outbound.request(.bye, to: desk.address)
            #expect(bye.headers.callID == second.callee.callID)
            #expect(await pbx.core.callSnapshots().map(\.caller) == ["100"])
        }
    }
}
