import Foundation
import Synchronization
import Testing
import VPBXPBX
import VPBXSIP
import VPBXStore

/// Call parking in the core: a blind transfer to the park code hands the caller to the park
/// application (`park-<parker>[-slot]`), and the park pickup code with the slot connects the
/// dialling phone to the parked caller in place of the application.
@Suite("Calls: parking", .timeLimit(.minutes(1)))
struct ParkingTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    /// Picks the parked call up (extension 102).
    let carol = Cast.carol

    struct Parked {
        var call: PBXHarness.Established
        let applicationInvite: SIPRequest
        let slot: Int
    }

    /// Alice's call to the desk, which transfers it to `code`; the park application answers
    /// and (as ``ParkApplication`` does) puts the call on the lot.
    private func park(_ pbx: PBXHarness, code: String = "*70") async throws -> Parked {
        var call = try await pbx.establish(from: alice, to: desk)
        var refer = call.callee.request(.refer)
        refer.headers.add("Refer-To", "<sip:\(code)@\(Phone.domain)>")
        pbx.send(refer, from: desk)
        _ = try await pbx.outbound.response(202, .refer, to: desk.address)
        let invite = try await pbx.outbound.request(.invite, to: Application.peer)
        pbx.answerAsApplication(invite, sdp: desk.sdp(port: 4060), tag: "park")
        _ = try await pbx.outbound.request(.ack, to: Application.peer)
        guard let user = invite.uri.user, case .park(let parker, let wanted) = Application(user: user) else {
            throw ParkingTestError.notParked(invite.uri.user)
        }
        let callID = try #require(invite.headers[Application.callHeader].flatMap(UUID.init(uuidString:)))
        let leg = try #require(invite.headers.callID)
        let slot = try #require(
            pbx.core.parking.park(
                requested: wanted, callID: callID, applicationCallID: leg, caller: alice.number, callerName: nil,
                parker: parker))
        return Parked(call: call, applicationInvite: invite, slot: slot)
    }

    enum ParkingTestError: Error { case notParked(String?) }

    /// Carol dials `code` offering `sdp` (or no offer at all); returns her INVITE and the
    /// final answer to it.
    private func dial(
        _ pbx: PBXHarness, _ code: String, sdp: String? = nil, withOffer: Bool = true
    ) async throws -> (SIPRequest, SIPResponse) {
        let invite = try await pbx.placeCall(from: carol, to: code, sdp: withOffer ? sdp ?? carol.sdp(port: 4050) : nil)
        let answer = try await pbx.outbound.next("final answer to Carol") {
            $0.destination == carol.address && $0.cseqMethod == .invite && ($0.response?.statusCode ?? 0) >= 200
                && $0.response?.headers.callID == invite.headers.callID
        }.response!
        return (invite, answer)
    }

    @Test(
        "a transfer to *703 parks the other party on slot 3 for the transferring extension; *70 alone on the first free slot"
    )
    func transferToTheParkCode() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let parked = try await park(pbx, code: "*703")
            #expect(parked.applicationInvite.uri.user == "park-101-3")
            #expect(parked.slot == 3)
            let snapshot = try #require(await pbx.core.callSnapshots().first)
            #expect(snapshot.callee == "park-101-3" && snapshot.state == .answered)
        }
        try await PBXHarness.run(Cast.everyone) { pbx in
            let parked = try await park(pbx)
            #expect(parked.applicationInvite.uri.user == "park-101")
            #expect(parked.slot == 1)
        }
    }

    @Test(
        "*71 and the slot: the picker is answered at the relay's B side in the caller's codec, the application gets BYE, the call is the picker's"
    )
    func pickUpTheParkedCall() async throws {
        let events = Mutex<[PBXEvent]>([])
        try await PBXHarness.run(Cast.everyone, events: { event in events.withLock { $0.append(event) } }) { pbx in
            let parked = try await park(pbx)
            let session = parked.call.session
            let (invite, ok) = try await dial(pbx, "*71\(parked.slot)")
            #expect(ok.statusCode == 200)
            let answer = try #require(SampleSDP.parse(ok.body))
            #expect(answer.audioEndpoint?.port == FakeMediaFactory.bPort)
            let codecs = try #require(answer.firstAudioIndex.map { answer.media[$0].codecs.map(\.encodingName) })
            #expect(codecs.first == "PCMU", "the codec Alice talks in: \(codecs)")
            let bye = try await pbx.outbound.request(.bye, to: Application.peer)
            #expect(bye.headers.callID == parked.applicationInvite.headers.callID)
            try await eventually("the relay sends the call's B side to Carol's phone") {
                session.remotes.contains(.init(side: .b, host: carol.address.host, port: 4050))
            }
            #expect(session.relatchedAway.contains(.b), "the application's last packets may not keep the latch")
            #expect(pbx.core.parking.list.isEmpty)
            let snapshot = try #require(await pbx.core.callSnapshots().first)
            #expect(snapshot.callee == carol.number && snapshot.state == .answered && snapshot.caller == alice.number)

            var picker = try PhoneDialog(caller: carol, invite: invite, ok: ok)
            pbx.send(picker.ack(inviteCSeq: try invite.headers.cseq().number), from: carol)
            try await pbx.settle(via: carol)
            pbx.send(picker.request(.bye), from: carol)
            _ = try await pbx.outbound.response(200, .bye, to: carol.address)
            let toAlice = try await pbx.outbound.request(.bye, to: alice.address)
            #expect(toAlice.headers.callID == parked.call.caller.callID)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .answered)
            #expect(cdr.path?.suffix(2) == ["park:any", "park:1=102"], "path: \(cdr.path ?? [])")
            let parking = events.withLock { $0 }.compactMap { event -> String? in
                switch event {
                case .callParked(let parked): "parked \(parked.slot) \(parked.caller) by \(parked.parker)"
                case .callUnparked(let parked, let reason): "left \(parked.slot) \(reason.rawValue)"
                default: nil
                }
            }
            #expect(parking == ["parked 1 100 by 101", "left 1 picked-up"])
        }
    }

    @Test(
        "*711 without an offer: the picker is offered the parked caller's codec at the relay's B side, and its ACK's answer points the relay there"
    )
    func lateOfferPicker() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let parked = try await park(pbx)
            let session = parked.call.session
            let (invite, ok) = try await dial(pbx, "*71\(parked.slot)", withOffer: false)
            #expect(ok.statusCode == 200)
            let offer = try #require(SampleSDP.parse(ok.body))
            #expect(offer.audioEndpoint?.port == FakeMediaFactory.bPort)
            let offered = try #require(offer.firstAudioIndex.map { offer.media[$0].codecs })
            // Alice talks µ-law (payload type 0) and sends keys as 101.
            #expect(offered.map(\.encodingName) == ["PCMU", "telephone-event"])
            #expect(offered.map(\.payloadType) == [0, 101])
            let bye = try await pbx.outbound.request(.bye, to: Application.peer)
            #expect(bye.headers.callID == parked.applicationInvite.headers.callID)
            #expect(!session.remotes.contains { $0.side == .b && $0.host == carol.address.host }, "no picker address yet")

            let latchedAwayBefore = session.relatchedAway.count
            let picker = try PhoneDialog(caller: carol, invite: invite, ok: ok)
            pbx.send(picker.ack(inviteCSeq: try invite.headers.cseq().number, sdp: carol.sdp(port: 4052)), from: carol)
            try await eventually("the relay sends the call's B side to Carol's answer") {
                session.remotes.contains(.init(side: .b, host: carol.address.host, port: 4052))
            }
            try await eventually("the application's last packets may not keep the latch") {
                session.relatchedAway.dropFirst(latchedAwayBefore) == [.b]
            }
            let snapshot = try #require(await pbx.core.callSnapshots().first)
            #expect(snapshot.callee == carol.number && snapshot.state == .answered)
        }
    }

    @Test("a busy lamp on *711 (what its key dials): idle, then the parked caller while slot 1 holds it, idle once picked up")
    func slotBusyLamp() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            _ = try await pbx.watch("*711", from: desk, callID: "blf-slot")
            let idle = try await pbx.dialogDocument(0, to: desk)
            #expect(idle.contains("entity=\"sip:*711@\(PBXHarness.advertisedHost)\"") && !idle.contains("<dialog "))
            let parked = try await park(pbx)
            let busy = try await pbx.dialogDocument(1, to: desk)
            #expect(busy.contains("<state>confirmed</state>"), "\(busy)")
            #expect(busy.contains("sip:100@\(PBXHarness.advertisedHost)</identity>"), "the parked caller: \(busy)")
            let (_, ok) = try await dial(pbx, "*71\(parked.slot)")
            #expect(ok.statusCode == 200)
            let taken = try await pbx.dialogDocument(2, to: desk)
            #expect(!taken.contains("<dialog "), "\(taken)")
            // A slot beyond the lot, and a code that is no slot's, have no lamp.
            let beyond = PBXHarness.dialogSubscription(desk, to: "*7121", expires: 600, callID: "blf-beyond")
            pbx.send(beyond, from: desk)
            let challenge = try await pbx.outbound.response(401, .subscribe, to: desk.address)
            pbx.send(try desk.authorized(beyond, answering: challenge), from: desk)
            _ = try await pbx.outbound.response(404, .subscribe, to: desk.address)
        }
    }

    @Test("attended: the desk dials *70 (the application reserves a slot and says it) and transfers its caller with Replaces; the caller is parked there for the desk and the consultation ends")
    func attendedTransferToTheParkCode() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let call = try await pbx.establish(from: alice, to: desk)
            let heldInvite = try #require(pbx.outbound.sent.first { $0.isRequest(.invite, to: desk.address) }?.request)
            let consultInvite = try await pbx.placeCall(from: desk, to: "*70", sdp: desk.sdp(port: 4006))
            let toApplication = try await pbx.outbound.request(.invite, to: Application.peer)
            #expect(toApplication.uri.user == "park-101", "the desk's own call: a reservation")
            pbx.answerAsApplication(toApplication, sdp: desk.sdp(port: 4060), tag: "consult")
            let consultOK = try await pbx.outbound.response(200, .invite, to: desk.address)
            var consult = try PhoneDialog(caller: desk, invite: consultInvite, ok: consultOK)
            pbx.send(consult.ack(inviteCSeq: try consultInvite.headers.cseq().number), from: desk)
            let consultLeg = try #require(toApplication.headers.callID)
            #expect(pbx.core.parking.reserve(requested: nil, parker: "101", applicationCallID: consultLeg) == 1)
            #expect(pbx.core.parking.list.isEmpty, "a reservation is nothing to pick up")

            // Transfer: REFER in the consultation, Replaces naming the held call as the desk has it.
            let replaces = "\(call.callee.callID);to-tag=\(try #require(try heldInvite.headers.fromTag()));from-tag=callee-tag"
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
            var refer = consult.request(.refer)
            refer.headers.add("Refer-To", "<sip:100@\(Phone.domain)?Replaces=\(replaces)>")
            pbx.send(refer, from: desk)
            _ = try await pbx.outbound.response(202, .refer, to: desk.address)
            let parkInvite = try await pbx.outbound.next("the park application rung for alice") {
                $0.isRequest(.invite, to: Application.peer) && $0.request?.uri.user == "park-101-1"
            }.request!
            #expect(parkInvite.headers[Application.callHeader] == (await pbx.core.callSnapshots().first { $0.caller == alice.number })?.id.lowercaseText)
            let done = try await pbx.notify(to: desk, saying: "SIP/2.0 200 OK")
            #expect(done.headers.callID == consult.callID && done.headers["Subscription-State"]?.hasPrefix("terminated") == true)
            try await eventually("the consultation ended: BYE to the desk and to the application") {
                pbx.outbound.sent.contains { $0.isRequest(.bye, to: desk.address) && $0.request?.headers.callID == consult.callID }
                    && pbx.outbound.sent.contains { $0.isRequest(.bye, to: Application.peer) && $0.request?.headers.callID == consultLeg }
            }

            // The park application answers alice and parks her on the slot the desk reserved.
            pbx.answerAsApplication(parkInvite, sdp: desk.sdp(port: 4062), tag: "park")
            let callID = try #require(parkInvite.headers[Application.callHeader].flatMap(UUID.init(uuidString:)))
            let parked = pbx.core.parking.park(
                requested: 1, callID: callID, applicationCallID: try #require(parkInvite.headers.callID), caller: "100",
                callerName: nil, parker: "101")
            #expect(parked == 1, "the desk's reservation is its own to fill")
            try await eventually("the desk hung up in the held call once alice was parked") {
                pbx.outbound.sent.contains { $0.isRequest(.bye, to: desk.address) && $0.request?.headers.callID == call.callee.callID }
            }
            _ = consult
        }
    }

    @Test("*71 alone takes the call parked longest")
    func pickUpTheLongestParked() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let parked = try await park(pbx, code: "*705")
            let (_, ok) = try await dial(pbx, "*71")
            #expect(ok.statusCode == 200)
            let bye = try await pbx.outbound.request(.bye, to: Application.peer)
            #expect(bye.headers.callID == parked.applicationInvite.headers.callID)
        }
    }

    @Test(
        "nothing parked on the slot: 480; a picker without the caller's codec: 488 and the call stays parked; the park code dialled: 480"
    )
    func refusals() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let parked = try await park(pbx)
            let (_, empty) = try await dial(pbx, "*712")
            #expect(empty.statusCode == 480 && empty.reason == "Nothing Parked There")
            // Carol offers A-law only; Alice talks µ-law.
            let alawOnly = carol.sdp(port: 4050).replacingOccurrences(of: "RTP/AVP 0 8 101", with: "RTP/AVP 8 101")
                .replacingOccurrences(of: "a=rtpmap:0 PCMU/8000\r\n", with: "")
            let (_, refused) = try await dial(pbx, "*71\(parked.slot)", sdp: alawOnly)
            #expect(refused.statusCode == 488)
            #expect(pbx.core.parking.list.map(\.slot) == [parked.slot], "still parked")
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.bye, to: Application.peer) })
        }
    }
}
