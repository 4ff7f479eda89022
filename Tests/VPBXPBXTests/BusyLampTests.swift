import Foundation
import Testing
@testable import VPBXPBX
import VPBXSIP

/// Busy lamp fields: a phone watches another extension's calls (`dialog`, RFC 4235).
@Suite("Busy lamps (dialog event package)", .timeLimit(.minutes(1)))
struct BusyLampTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let carol = Cast.carol

    private func subscribe(_ phone: Phone, to watched: String, expires: Int, callID: String, cseq: Int = 1, toTag: String? = nil)
        -> SIPRequest
    {
        PBXHarness.dialogSubscription(phone, to: watched, expires: expires, callID: callID, cseq: cseq, toTag: toTag)
    }

    private func carolWatches(_ watched: String, in pbx: PBXHarness, callID: String = "blf-1") async throws -> SIPResponse {
        try await pbx.watch(watched, from: carol, callID: callID)
    }

    private func document(_ version: Int, in pbx: PBXHarness) async throws -> String {
        try await pbx.dialogDocument(version, to: carol)
    }

    @Test("a phone watching 101 sees it idle, then ringing (who calls), then talking, then idle again")
    func watchingTheCallee() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            let ok = try await carolWatches("101", in: pbx)
            #expect(ok.headers["Expires"] == "600")
            let idle = try await document(0, in: pbx)
            #expect(idle.contains("state=\"full\"") && idle.contains("entity=\"sip:101@\(PBXHarness.advertisedHost)\""))
            #expect(!idle.contains("<dialog "), "\(idle)")

            let ringing = try await pbx.dial(from: alice, to: [desk])
            let early = try await document(1, in: pbx)
            #expect(early.contains("direction=\"recipient\"") && early.contains("<state>early</state>"), "\(early)")
            #expect(early.contains("<identity display=\"Extension 100\">sip:100@\(PBXHarness.advertisedHost)</identity>"), "\(early)")

            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "desk-tag", sdp: desk.sdp(port: 4002)), from: desk)
            let callerOK = try await pbx.outbound.response(200, .invite, to: alice.address)
            let confirmed = try await document(2, in: pbx)
            #expect(confirmed.contains("<state>confirmed</state>") && !confirmed.contains("<state>early</state>"), "\(confirmed)")

            var caller = try PhoneDialog(caller: alice, invite: ringing.callerInvite, ok: callerOK)
            pbx.send(caller.ack(inviteCSeq: try ringing.callerInvite.headers.cseq().number), from: alice)
            pbx.send(caller.request(.bye), from: alice)
            let ended = try await document(3, in: pbx)
            #expect(!ended.contains("<dialog "), "\(ended)")
        }
    }

    @Test("a ringing phone's early dialog (call-id, its tag, the engine's) is in the document once it sent a tag, and none once answered")
    func earlyDialogTags() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            _ = try await carolWatches("101", in: pbx)
            _ = try await document(0, in: pbx)
            let invite = try await pbx.dial(from: alice, to: [desk]).calleeInvites[0]
            let untagged = try await document(1, in: pbx)
            #expect(untagged.contains("<state>early</state>") && !untagged.contains("call-id="), "\(untagged)")
            pbx.send(desk.respond(to: invite, status: 180, toTag: "desk-tag"), from: desk)
            let tagged = try await document(2, in: pbx)
            let engineTag = try #require(try invite.headers.fromTag())
            let dialog = "call-id=\"\(invite.headers.callID ?? "")\" local-tag=\"desk-tag\" remote-tag=\"\(engineTag)\""
            #expect(tagged.contains(dialog), "\(tagged)")
            pbx.send(desk.respond(to: invite, status: 200, toTag: "desk-tag", sdp: desk.sdp(port: 4002)), from: desk)
            let confirmed = try await document(3, in: pbx)
            #expect(confirmed.contains("<state>confirmed</state>") && !confirmed.contains("call-id="), "\(confirmed)")
        }
    }

    @Test("a phone watching 100 sees its outgoing call: initiator, early while it rings, confirmed once answered")
    func watchingTheCaller() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            _ = try await carolWatches("100", in: pbx)
            _ = try await document(0, in: pbx)
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 180, toTag: "desk-tag"), from: desk)
            let early = try await pbx.outbound.next("a document with the call ringing") {
                $0.isRequest(.notify, to: carol.address)
                    && $0.request.map { String(decoding: $0.body, as: UTF8.self) }?.contains("<state>early</state>") == true
            }.request!
            let body = String(decoding: early.body, as: UTF8.self)
            #expect(body.contains("direction=\"initiator\""), "\(body)")
            #expect(body.contains("<identity>sip:101@\(PBXHarness.advertisedHost)</identity>"), "\(body)")
        }
    }

    @Test("a ringing phone that refuses lights its lamp off although the call goes on ringing elsewhere")
    func refusedLegGoesIdle() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            // 101 rings on two phones; carol watches 101, so one lamp; then both refuse.
            let ringing = try await pbx.dial(from: alice, to: [desk, Cast.bobSoft])
            _ = try await carolWatches("101", in: pbx)
            let early = try await document(0, in: pbx)
            #expect(early.components(separatedBy: "<dialog ").count == 2, "one dialog for two ringing phones: \(early)")
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 486, toTag: "desk-tag"), from: desk)
            pbx.send(Cast.bobSoft.respond(to: ringing.calleeInvites[1], status: 486, toTag: "soft-tag"), from: Cast.bobSoft)
            let idle = try await document(1, in: pbx)
            #expect(!idle.contains("<dialog "), "\(idle)")
        }
    }

    @Test("unsubscribed, the phone gets the terminating NOTIFY and nothing on later calls; an unknown number is 404")
    func unsubscribe() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            let ok = try await carolWatches("101", in: pbx)
            _ = try await document(0, in: pbx)
            let toTag = try #require(try ok.headers.to().tag)
            pbx.send(subscribe(carol, to: "101", expires: 0, callID: "blf-1", cseq: 3, toTag: toTag), from: carol)
            let last = try await document(1, in: pbx)
            #expect(!last.contains("<dialog "))
            _ = try await pbx.dial(from: alice, to: [desk])
            try await pbx.settle(via: alice)
            try await pbx.settle(via: alice)  // the queued look at the lamps ran
            #expect(pbx.outbound.distinctCount { $0.isRequest(.notify, to: carol.address) } == 2)

            let unknown = subscribe(carol, to: "999", expires: 600, callID: "blf-2")
            pbx.send(unknown, from: carol)
            let challenge = try await pbx.outbound.next("the challenge for 999") {
                $0.response?.statusCode == 401 && $0.response?.headers.callID == "blf-2"
            }.response!
            pbx.send(try carol.authorized(unknown, answering: challenge), from: carol)
            _ = try await pbx.outbound.next("404 for 999") {
                $0.response?.statusCode == 404 && $0.response?.headers.callID == "blf-2"
            }
        }
    }

    @Test("display names are escaped for XML")
    func escaping() {
        #expect(DialogInfo.escaped("Kovács & <Fiai> \"Kft\"") == "Kovács &amp; &lt;Fiai&gt; &quot;Kft&quot;")
    }
}
