import Foundation
import Testing
import VPBXPBX
import VPBXSIP

/// An INVITE with Replaces naming a ringing phone's early dialog picks the call up (a busy
/// lamp key of some phones does this with the tags the dialog-info document gives).
@Suite("Calls: pickup by INVITE with Replaces", .timeLimit(.minutes(1)))
struct ReplacesPickupTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let carol = Cast.carol

    /// Alice's call ringing at the desk, which sent 180 with `desk-tag`; returns the engine's
    /// INVITE to the desk and the Replaces value naming that early dialog.
    private func ringingAtTheDesk(_ pbx: PBXHarness) async throws -> (SIPRequest, String) {
        try await pbx.register(carol)
        let invite = try await pbx.dial(from: alice, to: [desk]).calleeInvites[0]
        pbx.send(desk.respond(to: invite, status: 180, toTag: "desk-tag"), from: desk)
        _ = try await pbx.outbound.response(180, .invite, to: alice.address)
        let engineTag = try #require(try invite.headers.fromTag())
        return (invite, "\(invite.headers.callID ?? "");to-tag=\(engineTag);from-tag=desk-tag")
    }

    @Test("carol's INVITE with Replaces (and Require: replaces) answers alice's call ringing at the desk: the desk gets CANCEL, alice and carol 200")
    func pickUpByReplaces() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (invite, replaces) = try await ringingAtTheDesk(pbx)
            _ = try await pbx.placeCall(
                from: carol, to: desk.number, sdp: carol.sdp(port: 4030),
                headers: [("Replaces", replaces), ("Require", "replaces")])
            let cancel = try await pbx.outbound.request(.cancel, to: desk.address)
            #expect(cancel.headers.callID == invite.headers.callID)
            _ = try await pbx.outbound.response(200, .invite, to: carol.address)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            let snapshot = try #require(await pbx.core.callSnapshots().first)
            #expect(snapshot.state == .answered && snapshot.caller == "100" && snapshot.callee == "102")
        }
    }

    @Test("refused: a Replaces without its tags (400), naming no dialog (481), naming an answered call (603); the call goes on")
    func refusals() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (invite, replaces) = try await ringingAtTheDesk(pbx)
            _ = try await pbx.placeCall(from: carol, to: desk.number, sdp: carol.sdp(), headers: [("Replaces", "abc@x")])
            _ = try await pbx.outbound.response(400, .invite, to: carol.address)
            _ = try await pbx.placeCall(
                from: carol, to: desk.number, sdp: carol.sdp(), headers: [("Replaces", "nothing@x;to-tag=1;from-tag=2")])
            _ = try await pbx.outbound.response(481, .invite, to: carol.address)

            pbx.send(desk.respond(to: invite, status: 200, toTag: "desk-tag", sdp: desk.sdp(port: 4002)), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            _ = try await pbx.placeCall(from: carol, to: desk.number, sdp: carol.sdp(), headers: [("Replaces", replaces)])
            let declined = try await pbx.outbound.response(603, .invite, to: carol.address)
            #expect(declined.reason == "Only A Ringing Call Can Be Picked Up")
            let snapshot = try #require(await pbx.core.callSnapshots().first)
            #expect(snapshot.state == .answered && snapshot.callee == "101")
            #expect(pbx.outbound.distinctCount { $0.isRequest(.cancel, to: desk.address) } == 0)
        }
    }
}
