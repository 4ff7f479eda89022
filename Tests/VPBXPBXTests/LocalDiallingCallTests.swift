import Foundation
import Testing
import VPBXPBX
import VPBXSIP
import VPBXText

/// Local dialling (the Hungarian numbering plan's local numbers, an outside-line prefix) on
/// a real call: what the trunk is sent, and what stays inside.
@Suite("Local dialling", .timeLimit(.minutes(1)))
struct LocalDiallingCallTests {
    let alice = Cast.alice
    let bob = Cast.bobDesk
    let provider = Phone("+3612345600", at: "192.0.2.77")

    private func plan(_ local: LocalDialling) -> DialPlan {
        var plan = DialPlan()
        plan.trunks = [Trunk(name: "carrier", host: provider.address.host, numberFormat: .e164)]
        plan.localDialling = local
        return plan
    }

    /// The Request-URI user of the INVITE the provider is sent for alice's call to `dialled`.
    private func numberSentOut(dialling dialled: String, in pbx: PBXHarness) async throws -> String? {
        _ = try await pbx.placeCall(from: alice, to: dialled, sdp: alice.sdp())
        return try await pbx.outbound.request(.invite, to: provider.address).uri.user
    }

    @Test("with the area set, its local number goes out in full; without it, the same digits are no number (404)")
    func localNumbersGoOutInFull() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan(.none))
            _ = try await pbx.placeCall(from: alice, to: "2345678", sdp: alice.sdp())
            _ = try await pbx.outbound.response(404, .invite, to: alice.address)

            await pbx.core.setDialPlan(plan(LocalDialling(areaCode: "1")))
            #expect(try await numberSentOut(dialling: "2345678", in: pbx) == "+3612345678")
        }
    }

    @Test("after the outside-line prefix a number goes out, read after the prefix first; without the prefix too")
    func theOutsidePrefixIsLeftOut() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan(LocalDialling(areaCode: "62", outsidePrefix: "0")))
            let mobile = try await numberSentOut(dialling: "006301234567", in: pbx)
            #expect(mobile == "+36301234567", "0 and a mobile, not 00 63...")
            let local = try await numberSentOut(dialling: "0423456", in: pbx)
            #expect(local == "+3662423456")
            let withoutPrefix = try await numberSentOut(dialling: "0612345678", in: pbx)
            #expect(withoutPrefix == "+3612345678")
        }
    }

    @Test("one of the exchange's own numbers dialled as a local number rings its destination inside, not out")
    func ownNumbersDialledLocallyStayInside() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var withDID = plan(LocalDialling(areaCode: "1"))
            withDID.routes["+3612345601"] = .extension(bob.number)
            await pbx.core.setDialPlan(withDID)
            _ = try await pbx.register(bob)
            _ = try await pbx.placeCall(from: alice, to: "2345601", sdp: alice.sdp())
            _ = try await pbx.outbound.request(.invite, to: bob.address)
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: provider.address) })
        }
    }
}
