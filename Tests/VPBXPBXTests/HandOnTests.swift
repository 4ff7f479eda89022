import Foundation
import Testing
import VPBXPBX
import VPBXSIP

/// A caller handed on, as a menu or queue hands its caller on to an extension.
@Suite("Calls: handing the caller on", .timeLimit(.minutes(1)))
struct HandOnTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let carol = Cast.carol

    /// Each hand-on rings under a new Call-ID, and the earlier leg's dialog leads to the call
    /// while that leg is up. Until stop 46 that entry stayed after the call: one per queue or
    /// menu call, for the engine's lifetime.
    @Test("a call handed on leaves no dialog behind when it ends")
    func handedOnCallLeavesNoDialog() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            var call = try await pbx.establish(from: alice, to: desk)  // desk stands in for a menu
            #expect(await pbx.core.handOn(callID: call.callee.callID, to: .extension(carol.number), step: "test"))
            let invite = try await pbx.outbound.request(.invite, to: carol.address)
            pbx.send(carol.respond(to: invite, status: 200, toTag: "carol-tag", sdp: carol.sdp(port: 4030)), from: carol)
            _ = try await pbx.outbound.request(.bye, to: desk.address)
            pbx.send(call.caller.request(.bye), from: alice)
            _ = try await pbx.outbound.request(.bye, to: carol.address)
            _ = try await pbx.finishedCDR(of: "100")
            try await eventually("no dialog left behind") { await pbx.core.callDialogCount == 0 }
        }
    }
}
