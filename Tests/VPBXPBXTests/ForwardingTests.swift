import Foundation
import Testing
import VPBXSIP
import VPBXStore

@testable import VPBXPBX

/// Call forwarding set on an extension (always, busy, no answer or no phone): the engine
/// rings the target itself, names the extension in a Diversion header (RFC 5806) and says
/// so in the call's path; a queue's offer to an agent never follows the agent's forwarding.
@Suite("Call forwarding", .timeLimit(.minutes(1)))
struct ForwardingTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let carol = Cast.carol
    let provider = Phone("+3612345600", at: "192.0.2.77")

    /// Bob's extension (101) with forwarding set.
    private func forward(
        _ pbx: PBXHarness, always: String? = nil, busy: String? = nil, noAnswer: String? = nil, noAnswerTimeout: Int = 30,
        outboundClass: OutboundClass = .national
    ) async {
        var record = PBXHarness.extensionRecord(desk.number, password: desk.password, noAnswerTimeout: noAnswerTimeout)
        record.forwardAlways = always
        record.forwardBusy = busy
        record.forwardNoAnswer = noAnswer
        record.outboundClass = outboundClass
        await pbx.core.extensionChanged(record)
    }

    private func withTrunk(_ pbx: PBXHarness) async {
        var plan = DialPlan()
        plan.trunks = [Trunk(name: "carrier", host: provider.address.host, callerID: "+3612345600", numberFormat: .digits)]
        await pbx.core.setDialPlan(plan)
    }

    private func diversion(of invite: SIPRequest) -> String { invite.headers["Diversion"] ?? "" }

    @Test("forward always: the target rings instead of the extension, named in Diversion; answered, the CDR path says so")
    func always() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            try await pbx.register(carol)
            await forward(pbx, always: carol.number)
            let invite = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            let forwarded = try await pbx.outbound.request(.invite, to: carol.address)
            #expect(diversion(of: forwarded).hasPrefix("<sip:\(desk.number)@"), "\(diversion(of: forwarded))")
            #expect(diversion(of: forwarded).hasSuffix(">;reason=unconditional;counter=1"), "\(diversion(of: forwarded))")
            #expect(try forwarded.headers.from().uri.user == alice.number)
            pbx.send(carol.respond(to: forwarded, status: 200, toTag: "carol-tag", sdp: carol.sdp(port: 4030)), from: carol)
            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            var caller = try PhoneDialog(caller: alice, invite: invite, ok: ok)
            pbx.send(caller.ack(inviteCSeq: try invite.headers.cseq().number), from: alice)
            pbx.send(caller.request(.bye), from: alice)
            _ = try await pbx.outbound.request(.bye, to: carol.address)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .answered && cdr.callee == desk.number)
            #expect(cdr.path == ["forward:\(desk.number)=always", "ext:\(carol.number)"])
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: desk.address) }, "the forwarding phone rang")
        }
    }

    @Test("forward always from the target itself: its own call rings the extension")
    func targetCallingRingsThrough() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            await forward(pbx, always: alice.number)
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            let rung = try await pbx.outbound.request(.invite, to: desk.address)
            #expect(rung.headers["Diversion"] == nil)
        }
    }

    @Test("forward on busy: the phone's 486 rings the target with reason user-busy, before any voicemail")
    func busy() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            await forward(pbx, busy: carol.number)
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 486, toTag: "busy-tag"), from: desk)
            let forwarded = try await pbx.outbound.request(.invite, to: carol.address)
            #expect(diversion(of: forwarded).hasSuffix(">;reason=user-busy;counter=1"), "\(diversion(of: forwarded))")
            pbx.send(carol.respond(to: forwarded, status: 486, toTag: "carol-tag"), from: carol)
            // The target busy too, and no mailbox anywhere: the caller hears busy.
            let final = try await pbx.outbound.response(486, .invite, to: alice.address)
            #expect(final.statusCode == 486)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.path == ["forward:\(desk.number)=busy", "ext:\(carol.number)"])
        }
    }

    @Test("a forward's target without a mailbox that does not take the call leaves it to the forwarding extension's voicemail")
    func failedForwardGoesToTheForwardingVoicemail() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            await pbx.core.setMailbox(desk.number, enabled: true)
            await forward(pbx, busy: carol.number)
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 486, toTag: "busy-tag"), from: desk)
            let forwarded = try await pbx.outbound.request(.invite, to: carol.address)
            pbx.send(carol.respond(to: forwarded, status: 486, toTag: "carol-tag"), from: carol)
            let voicemail = try await pbx.outbound.request(.invite, to: Application.peer)
            #expect(voicemail.uri.user == Application.voicemail(mailbox: desk.number, busy: true).user)
            #expect(!pbx.outbound.sent.contains { $0.isResponse(486, .invite, to: alice.address) })
        }
    }

    @Test("forward on no answer: after the extension's ring time the target rings with reason no-answer and the phone is cancelled")
    func noAnswer() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            await forward(pbx, noAnswer: carol.number, noAnswerTimeout: 1)
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 180, toTag: "desk-tag"), from: desk)
            let forwarded = try await pbx.outbound.request(.invite, to: carol.address)
            #expect(diversion(of: forwarded).hasSuffix(">;reason=no-answer;counter=1"), "\(diversion(of: forwarded))")
            _ = try await pbx.outbound.request(.cancel, to: desk.address)
        }
    }

    @Test("forward always to a mobile with a mailbox behind: the mobile rings for the extension's ring time, then its voicemail")
    func mobileRingsForTheRingTimeThenVoicemail() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await withTrunk(pbx)
            await pbx.core.setMailbox(desk.number, enabled: true)
            await forward(pbx, always: "+36309998877", noAnswerTimeout: 1)
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            let out = try await pbx.outbound.request(.invite, to: provider.address)
            pbx.send(provider.respond(to: out, status: 180, toTag: "mobile-tag"), from: provider)
            // After 1 s, not the 180 s a number called out may ring.
            _ = try await pbx.outbound.request(.cancel, to: provider.address, timeout: .seconds(5))
            let voicemail = try await pbx.outbound.request(.invite, to: Application.peer)
            #expect(voicemail.uri.user == Application.voicemail(mailbox: desk.number, busy: false).user)
        }
    }

    @Test("forward on no answer with no phone registered: the target rings at once, reason unavailable")
    func unavailable() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            await forward(pbx, noAnswer: carol.number)
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            let forwarded = try await pbx.outbound.request(.invite, to: carol.address)
            #expect(diversion(of: forwarded).hasSuffix(">;reason=unavailable;counter=1"), "\(diversion(of: forwarded))")
        }
    }

    @Test("forward always to a mobile: out through the trunk with the forwarding number in Diversion, a provider's caller too")
    func toAPublicNumber() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await withTrunk(pbx)
            await forward(pbx, always: "+36309998877")
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            let out = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(out.uri.user == "36309998877")
            #expect(diversion(of: out) == "<sip:+3612345600@\(provider.address.host)>;reason=unconditional;counter=1")

            // A caller from the provider reaches the extension by its DID and goes back out.
            var plan = DialPlan(routes: ["+3612345601": .extension(desk.number)])
            plan.trunks = [Trunk(name: "carrier", host: provider.address.host, callerID: "+3612345600", numberFormat: .digits)]
            await pbx.core.setDialPlan(plan)
            let outsider = Phone("06201112222", at: provider.address.host, port: 5099)
            pbx.send(outsider.invite("0612345601", sdp: alice.sdp()), from: outsider)
            let second = try await pbx.outbound.next("the second call out") {
                $0.isRequest(.invite, to: provider.address) && $0.request?.headers.callID != out.headers.callID
            }.request!
            #expect(second.uri.user == "36309998877")
            #expect(diversion(of: second).hasSuffix(";reason=unconditional;counter=1"))
        }
    }

    @Test("a provider's caller sent out again shows the trunk's number, or with --pass-caller-id its own; a mobile extension's leg says follow-me")
    func foreignCallerShownOut() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let updated = try await pbx.extensions.update(
                desk.number, with: ExtensionPatch(kind: .mobile, mobileNumber: .set("+36309998877")))
            await pbx.core.extensionChanged(updated)
            let outsider = Phone("06201112222", at: provider.address.host, port: 5099)
            for pass in [false, true] {
                var plan = DialPlan(routes: ["+3612345601": .extension(desk.number)])
                plan.trunks = [
                    Trunk(
                        name: "carrier", host: provider.address.host, callerID: "+3612345600", numberFormat: .digits,
                        passCallerID: pass)
                ]
                await pbx.core.setDialPlan(plan)
                let call = outsider.invite("0612345601", sdp: alice.sdp())
                pbx.send(call, from: outsider)
                let out = try await pbx.outbound.request(.invite, to: provider.address)
                #expect(out.uri.user == "36309998877")
                #expect(try out.headers.from().uri.user == (pass ? "+36201112222" : "+3612345600"), "pass \(pass)")
                #expect(diversion(of: out) == "<sip:+3612345600@\(provider.address.host)>;reason=follow-me;counter=1")
            }
        }
    }

    @Test("forward always beyond the extension's outbound class: ignored, the extension's own phone rings")
    func beyondTheOutboundClass() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            await withTrunk(pbx)
            await forward(pbx, always: "+4930123456", outboundClass: .national)
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            _ = try await pbx.outbound.request(.invite, to: desk.address)
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: provider.address) })
        }
    }

    @Test("forward always in a chain (101 → 102 → 101) stops at the loop and rings the last extension before it")
    func chainLoop() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            await forward(pbx, always: carol.number)
            var carolRecord = PBXHarness.extensionRecord(carol.number, password: carol.password)
            carolRecord.forwardAlways = desk.number
            await pbx.core.extensionChanged(carolRecord)
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            let rung = try await pbx.outbound.request(.invite, to: carol.address)
            #expect(diversion(of: rung).hasPrefix("<sip:\(desk.number)@"))
        }
    }

    /// 103 forwarding every call to carol.
    private func daveForwardingToCarol(_ pbx: PBXHarness, _ dave: Phone) async throws {
        try await pbx.register(carol)
        var forwarding = PBXHarness.extensionRecord(dave.number, password: dave.password)
        forwarding.forwardAlways = carol.number
        await pbx.core.extensionChanged(forwarding)
    }

    @Test("a blind transfer to an extension that forwards always rings the target, named in Diversion")
    func transferFollowsForwardAlways() async throws {
        let dave = Phone("103", at: "192.0.2.40")
        try await PBXHarness.run(Cast.everyone + [dave]) { pbx in
            try await daveForwardingToCarol(pbx, dave)
            var call = try await pbx.establish(from: alice, to: desk)
            var refer = call.callee.request(.refer)
            refer.headers.add("Refer-To", "<sip:\(dave.number)@\(PBXHarness.advertisedHost)>")
            pbx.send(refer, from: desk)
            _ = try await pbx.outbound.response(202, .refer, to: desk.address)
            let transferred = try await pbx.outbound.request(.invite, to: carol.address)
            #expect(diversion(of: transferred).hasPrefix("<sip:\(dave.number)@"), "\(diversion(of: transferred))")
            #expect(diversion(of: transferred).hasSuffix(";reason=unconditional;counter=1"))
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: dave.address) })
        }
    }

    @Test("a menu handing its caller on to an extension that forwards always rings the target, named in Diversion")
    func menuHandOnFollowsForwardAlways() async throws {
        let dave = Phone("103", at: "192.0.2.40")
        try await PBXHarness.run(Cast.everyone + [dave]) { pbx in
            try await daveForwardingToCarol(pbx, dave)
            let call = try await pbx.establish(from: alice, to: desk)  // desk stands in for the menu
            #expect(await pbx.core.handOn(callID: call.callee.callID, to: .extension(dave.number), step: "ivr:main=1"))
            let handedOn = try await pbx.outbound.request(.invite, to: carol.address)
            #expect(diversion(of: handedOn).hasPrefix("<sip:\(dave.number)@"), "\(diversion(of: handedOn))")
        }
    }

    @Test("a queue's offer to a busy agent follows neither the agent's busy forwarding nor its voicemail")
    func queueOfferIsNotForwarded() async throws {
        let dave = Phone("103", at: "192.0.2.40")
        try await PBXHarness.run(Cast.everyone + [dave]) { pbx in
            try await pbx.register(carol)
            try await pbx.register(dave)
            var agent = PBXHarness.extensionRecord(carol.number, password: carol.password)
            agent.forwardBusy = dave.number
            await pbx.core.extensionChanged(agent)
            await pbx.core.setMailbox(carol.number, enabled: true)
            let call = try await pbx.establish(from: alice, to: desk)  // desk stands in for the queue application
            #expect(await pbx.core.handOn(callID: call.callee.callID, toExtensions: [carol.number], step: "queue:q", timeoutSeconds: 20))
            let offer = try await pbx.outbound.request(.invite, to: carol.address)
            pbx.send(carol.respond(to: offer, status: 486, toTag: "agent-busy"), from: carol)
            #expect(await pbx.core.handOnResult(callID: call.callee.callID) == .failed(busy: true))
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: dave.address) }, "the agent's forwarding took the queue call")
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: Application.peer) }, "the agent's voicemail took the queue call")
        }
    }
}
