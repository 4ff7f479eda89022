import Foundation
import Synchronization
import Testing
import VPBXPBX
import VPBXSIP
import VPBXStore

/// Blind transfer: the answering phone's REFER hands the caller on to the target, the
/// calling phone's puts the phone it called through to the target.
@Suite("Calls: blind transfer (REFER)", .timeLimit(.minutes(1)))
struct TransferTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let carol = Cast.carol

    /// The callee's REFER to `target` (`extra`: further header lines).
    private func refer(_ dialog: inout PhoneDialog, to target: String, _ extra: [(String, String)] = []) -> SIPRequest {
        var request = dialog.request(.refer)
        request.headers.add("Refer-To", target)
        request.headers.add("Referred-By", "<\(desk.aor)>")
        for (name, value) in extra { request.headers.add(name, value) }
        return request
    }

    /// Alice's answered call to the desk, which transfers it to carol (REFER, 202, NOTIFY
    /// 100 answered); returns the call and the engine's INVITE to carol.
    private func transferToCarol(_ pbx: PBXHarness) async throws -> (PBXHarness.Established, SIPRequest) {
        var call = try await pbx.establish(from: alice, to: desk)
        try await pbx.register(carol)
        pbx.send(refer(&call.callee, to: "<sip:102@\(Phone.domain)>"), from: desk)
        _ = try await pbx.outbound.response(202, .refer, to: desk.address)
        _ = try await pbx.notify(to: desk, saying: "SIP/2.0 100 Trying")
        return (call, try await pbx.outbound.request(.invite, to: carol.address))
    }

    @Test("the callee's REFER: 202, NOTIFY 100, music to the caller, the target rung; the transferor hangs up and the target answers")
    func transferorHangsUpThenTargetAnswers() async throws {
        let events = Mutex<[PBXEvent]>([])
        try await PBXHarness.run(Cast.everyone, events: { event in events.withLock { $0.append(event) } }) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            try await pbx.register(carol)
            let request = refer(&call.callee, to: "<sip:102@\(PBXHarness.advertisedHost)>")
            pbx.send(request, from: desk)
            let accepted = try await pbx.outbound.response(202, .refer, to: desk.address)
            #expect(accepted.headers.callID == request.headers.callID)

            let trying = try await pbx.notify(to: desk, saying: "SIP/2.0 100 Trying")
            #expect(trying.headers["Event"] == "refer;id=\(try request.headers.cseq().number)")
            #expect(trying.headers["Subscription-State"] == "active;expires=60")
            #expect(trying.headers.contentType == "message/sipfrag;version=2.0")
            #expect(trying.headers.callID == call.callee.callID)
            #expect(call.session.music[.a] == MusicOnHold.Codec(encoding: "PCMU", payloadType: 0))

            let invite = try await pbx.outbound.request(.invite, to: carol.address)
            let offer = try #require(SampleSDP.parse(invite.body))
            #expect(offer.audioEndpoint?.port == FakeMediaFactory.bPort)
            #expect(invite.headers.callID != call.callee.callID)
            #expect(invite.headers["Referred-By"] == "<sip:101@\(PBXHarness.advertisedHost)>", "who put the call through")

            // The transferor leaves at once, as most phones do: the target rings on.
            pbx.send(call.callee.request(.bye), from: desk)
            _ = try await pbx.outbound.response(200, .bye, to: desk.address)
            pbx.send(carol.respond(to: invite, status: 180, toTag: "carol-tag"), from: carol)
            pbx.send(carol.respond(to: invite, status: 200, toTag: "carol-tag", sdp: carol.sdp(port: 4030)), from: carol)
            _ = try await pbx.outbound.request(.ack, to: carol.address)
            try await eventually("the caller's music stopped") { call.session.music[.a] == nil }
            try await eventually("the relay's B side follows the target") {
                call.session.remotes.contains(.init(side: .b, host: carol.address.host, port: 4030))
            }
            // The transferor's last packets (it may still send) must not take the latch.
            try await eventually("relatched away from the transferor") { call.session.relatchedAway == [.b] }
            let snapshot = try #require(await pbx.core.callSnapshots().first)
            #expect(snapshot.callee == "102")
            #expect(snapshot.state == .answered)
            let transferred = events.withLock { $0 }.compactMap { event -> CallSnapshot? in
                if case .callTransferred(let call, _) = event { return call } else { return nil }
            }
            #expect(transferred.map(\.callee) == ["102"])
            // The transferor hung up: no NOTIFY after its BYE, and no BYE to it.
            try await pbx.settle(via: alice)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.notify, to: desk.address) } == 1)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.bye, to: desk.address) } == 0)

            pbx.send(call.caller.request(.bye), from: alice)
            _ = try await pbx.outbound.request(.bye, to: carol.address)
            let record = try await pbx.finishedCDR(of: "100")
            #expect(record.disposition == .answered)
            #expect(record.path?.contains("transfer:102") == true, "path: \(record.path ?? [])")
            try await eventually("no dialog left behind") { await pbx.core.callDialogCount == 0 }
        }
    }

    @Test("a transferor still on the line when the target answers gets NOTIFY 200 (terminated), then BYE")
    func transferorOnTheLineGetsNotifyThenBye() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (call, invite) = try await transferToCarol(pbx)
            pbx.send(carol.respond(to: invite, status: 200, toTag: "carol-tag", sdp: carol.sdp(port: 4030)), from: carol)

            let done = try await pbx.notify(to: desk, saying: "SIP/2.0 200 OK")
            #expect(done.headers["Subscription-State"] == "terminated;reason=noresource")
            let bye = try await pbx.outbound.request(.bye, to: desk.address)
            #expect(try bye.headers.cseq().number > (try done.headers.cseq().number), "the NOTIFY goes first")
            #expect(call.session.music[.a] == nil)
        }
    }

    @Test("a busy target gives the caller back to the transferor still on the line, with NOTIFY 486")
    func busyTargetGivesTheCallerBack() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (call, invite) = try await transferToCarol(pbx)
            pbx.send(carol.respond(to: invite, status: 486, toTag: "carol-tag"), from: carol)

            let failed = try await pbx.notify(to: desk, saying: "SIP/2.0 486 Busy Here")
            #expect(failed.headers["Subscription-State"] == "terminated;reason=noresource")
            try await eventually("the caller's music stopped") { call.session.music[.a] == nil }
            let snapshot = try #require(await pbx.core.callSnapshots().first)
            #expect(snapshot.callee == "101")
            #expect(snapshot.state == .answered)

            // The call is the transferor's again: its BYE ends it.
            pbx.send(call.callee.request(.bye), from: desk)
            _ = try await pbx.outbound.response(200, .bye, to: desk.address)
            _ = try await pbx.outbound.request(.bye, to: alice.address)
            try await eventually("no dialog left behind") { await pbx.core.callDialogCount == 0 }
        }
    }

    @Test("the transferor gone and the target failing, the call ends with the caller's BYE")
    func targetFailsAfterTheTransferorLeft() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (call, invite) = try await transferToCarol(pbx)
            pbx.send(call.callee.request(.bye), from: desk)
            _ = try await pbx.outbound.response(200, .bye, to: desk.address)
            pbx.send(carol.respond(to: invite, status: 486, toTag: "carol-tag"), from: carol)

            _ = try await pbx.outbound.request(.bye, to: alice.address)
            let record = try await pbx.finishedCDR(of: "100")
            #expect(record.disposition == .answered)
            try await pbx.settle(via: alice)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.notify, to: desk.address) } == 1)
        }
    }

    @Test("refused: an unknown target (404), a Replaces naming no call (404), a missing Refer-To (400); the call goes on")
    func refusedTransfers() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            pbx.send(refer(&call.callee, to: "<sip:999@\(Phone.domain)>"), from: desk)
            _ = try await pbx.outbound.response(404, .refer, to: desk.address)
            let replaces = "<sip:102@\(Phone.domain)?Replaces=abc%40phone%3Bto-tag%3D1%3Bfrom-tag%3D2>"
            pbx.send(refer(&call.callee, to: replaces), from: desk)
            let noCall = try await pbx.outbound.next("the Replaces refused") {
                $0.destination == desk.address && $0.response?.statusCode == 404 && $0.cseqMethod == .refer
                    && $0.response?.reason == "Replaced Call Not Found"
            }
            #expect(noCall.response != nil)
            pbx.send(call.callee.request(.refer), from: desk)
            _ = try await pbx.outbound.response(400, .refer, to: desk.address)
            try await pbx.settle(via: alice)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.notify, to: desk.address) } == 0)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.refer, to: alice.address) } == 0)
            #expect(call.session.music[.a] == nil)
            let snapshot = try #require(await pbx.core.callSnapshots().first)
            #expect(snapshot.callee == "101")
        }
    }

    @Test("Refer-Sub: false (RFC 4488): accepted without NOTIFYs")
    func noSubscription() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            try await pbx.register(carol)
            pbx.send(refer(&call.callee, to: "<sip:102@\(Phone.domain)>", [("Refer-Sub", "false")]), from: desk)
            let accepted = try await pbx.outbound.response(202, .refer, to: desk.address)
            #expect(accepted.headers["Refer-Sub"] == "false")
            let invite = try await pbx.outbound.request(.invite, to: carol.address)
            pbx.send(carol.respond(to: invite, status: 200, toTag: "carol-tag", sdp: carol.sdp(port: 4030)), from: carol)
            _ = try await pbx.outbound.request(.bye, to: desk.address)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.notify, to: desk.address) } == 0)
        }
    }

    /// Alice's REFER to carol in her answered call to the desk, accepted (202) with NOTIFY 100
    /// to alice; returns the call and the engine's INVITE to carol.
    private func callerTransfersToCarol(
        _ pbx: PBXHarness, _ extra: [(String, String)] = []
    ) async throws -> (PBXHarness.Established, SIPRequest) {
        var call = try await pbx.establish(from: alice, to: desk)
        try await pbx.register(carol)
        var request = call.caller.request(.refer)
        request.headers.add("Refer-To", "<sip:102@\(Phone.domain)>")
        for (name, value) in extra { request.headers.add(name, value) }
        pbx.send(request, from: alice)
        let accepted = try await pbx.outbound.response(202, .refer, to: alice.address)
        #expect(accepted.headers.callID == call.caller.callID)
        let trying = try await pbx.notify(to: alice, saying: "SIP/2.0 100 Trying")
        #expect(trying.headers.callID == call.caller.callID, "in the caller's own dialog")
        #expect(trying.headers["Event"] == "refer;id=\(try request.headers.cseq().number)")
        return (call, try await pbx.outbound.request(.invite, to: carol.address))
    }

    @Test("the caller's REFER: the desk it called hears music and is put through to the target, which rings as the desk's call at the caller's relay side; the caller gets NOTIFY 200 and BYE")
    func callerTransfersTheCallee() async throws {
        let events = Mutex<[PBXEvent]>([])
        try await PBXHarness.run(Cast.everyone, events: { event in events.withLock { $0.append(event) } }) { pbx in
            var (call, invite) = try await callerTransfersToCarol(pbx)
            #expect(call.session.music[.b] == MusicOnHold.Codec(encoding: "PCMU", payloadType: 0), "the desk hears music")
            #expect(call.session.music[.a] == nil)
            let offer = try #require(SampleSDP.parse(invite.body))
            #expect(offer.audioEndpoint?.port == FakeMediaFactory.aPort, "the relay side the caller leaves")
            let from = try #require(invite.headers["From"])
            #expect(from.contains("sip:101@"), "carol sees the desk's call: \(from)")
            #expect(invite.headers["Referred-By"] == "<sip:100@\(PBXHarness.advertisedHost)>")
            #expect(invite.headers.callID != call.caller.callID && invite.headers.callID != call.callee.callID)

            pbx.send(carol.respond(to: invite, status: 200, toTag: "carol-tag", sdp: carol.sdp(port: 4030)), from: carol)
            _ = try await pbx.outbound.request(.ack, to: carol.address)
            let done = try await pbx.notify(to: alice, saying: "SIP/2.0 200 OK")
            #expect(done.headers["Subscription-State"] == "terminated;reason=noresource")
            let bye = try await pbx.outbound.request(.bye, to: alice.address)
            #expect(bye.headers.callID == call.caller.callID)
            try await eventually("the desk's music stopped") { call.session.music[.b] == nil }
            try await eventually("the caller's relay side follows the target, away from the caller") {
                call.session.remotes.contains(.init(side: .a, host: carol.address.host, port: 4030))
                    && call.session.relatchedAway == [.a]
            }
            let snapshot = try #require(await pbx.core.callSnapshots().first)
            #expect(snapshot.caller == "101")
            #expect(snapshot.callee == "102")
            #expect(snapshot.callerMediaPort == FakeMediaFactory.bPort)
            let transferred = events.withLock { $0 }.compactMap { event -> String? in
                if case .callTransferred(_, let by) = event { return by } else { return nil }
            }
            #expect(transferred == ["caller"])

            // The desk is the call's caller now: its re-INVITE (hold) reaches carol's side, its
            // BYE ends the call.
            pbx.send(call.callee.request(.bye), from: desk)
            _ = try await pbx.outbound.response(200, .bye, to: desk.address)
            let carolsBye = try await pbx.outbound.request(.bye, to: carol.address)
            #expect(carolsBye.headers.callID == invite.headers.callID)
            let record = try await pbx.finishedCDR(of: "100")
            #expect(record.disposition == .answered)
            #expect(record.path?.contains("transfer:102") == true, "path: \(record.path ?? [])")
            try await eventually("no dialog left behind") { await pbx.core.callDialogCount == 0 }
        }
    }

    @Test("the caller's transfer to a busy target: NOTIFY 486, and the call is the caller's and the desk's again as it began")
    func callersTransferFailsBack() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (call, invite) = try await callerTransfersToCarol(pbx)
            pbx.send(carol.respond(to: invite, status: 486, toTag: "carol-tag"), from: carol)
            _ = try await pbx.notify(to: alice, saying: "SIP/2.0 486 Busy Here")
            try await eventually("the desk's music stopped") { call.session.music[.b] == nil }
            let snapshot = try #require(await pbx.core.callSnapshots().first)
            #expect(snapshot.caller == "100")
            #expect(snapshot.callee == "101")
            #expect(snapshot.state == .answered)
            #expect(snapshot.callerMediaPort == FakeMediaFactory.aPort)

            // The caller's re-INVITE is relayed to the desk as before.
            pbx.send(call.caller.request(.invite, sdp: alice.sdp(port: 4000, direction: "sendonly")), from: alice)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)

            pbx.send(call.caller.request(.bye), from: alice)
            _ = try await pbx.outbound.response(200, .bye, to: alice.address)
            let bye = try await pbx.outbound.request(.bye, to: desk.address)
            #expect(bye.headers.callID == call.callee.callID)
            let record = try await pbx.finishedCDR(of: "100")
            #expect(record.hangupSide == .caller)
            try await eventually("no dialog left behind") { await pbx.core.callDialogCount == 0 }
        }
    }

    @Test("the caller leaves while the target rings; the target's answer connects it to the desk")
    func callerLeavesThenTargetAnswers() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var (call, invite) = try await callerTransfersToCarol(pbx)
            pbx.send(call.caller.request(.bye), from: alice)
            _ = try await pbx.outbound.response(200, .bye, to: alice.address)
            let ok = carol.respond(to: invite, status: 200, toTag: "carol-tag", sdp: carol.sdp(port: 4030))
            pbx.send(ok, from: carol)
            _ = try await pbx.outbound.request(.ack, to: carol.address)
            try await eventually("the desk's music stopped") { call.session.music[.b] == nil }
            try await pbx.settle(via: desk)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.bye, to: desk.address) } == 0, "the desk stays")
            #expect(pbx.outbound.distinctCount { $0.isRequest(.bye, to: alice.address) } == 0)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.notify, to: alice.address) } == 1)

            var carolsSide = try PhoneDialog(callee: carol, invite: invite, ok: ok)
            pbx.send(carolsSide.request(.bye), from: carol)
            _ = try await pbx.outbound.request(.bye, to: desk.address)
            try await eventually("no dialog left behind") { await pbx.core.callDialogCount == 0 }
        }
    }

    @Test("from the control socket: a ringing call or an unknown one is refused, as is a number leading nowhere; an answered call's caller rings the target and the callee's phone is hung up at its answer, without NOTIFYs")
    func fromTheControlSocket() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            #expect(await pbx.core.transfer(callID: UUID(), to: "102") == .noSuchCall)
            let ringing = try await pbx.dial(from: alice, to: [desk])
            let id = try #require(await pbx.core.callSnapshots().first?.id)
            #expect(await pbx.core.transfer(callID: id, to: "102") == .notTransferable)
            let ok = desk.respond(to: ringing.calleeInvites[0], status: 200, toTag: "callee-tag", sdp: desk.sdp(port: 4002))
            pbx.send(ok, from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(await pbx.core.transfer(callID: id, to: "999") == .unknownTarget)
            #expect(await pbx.core.transfer(callID: id, to: "102") == .started)
            #expect(await pbx.core.transfer(callID: id, to: "102") == .notTransferable, "transferred already")

            let invite = try await pbx.outbound.request(.invite, to: carol.address)
            #expect(invite.headers["Referred-By"] == "<sip:101@\(PBXHarness.advertisedHost)>")
            pbx.send(carol.respond(to: invite, status: 200, toTag: "carol-tag", sdp: carol.sdp(port: 4030)), from: carol)
            _ = try await pbx.outbound.request(.bye, to: desk.address)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.notify, to: desk.address) } == 0)
            #expect(await pbx.core.callSnapshots().first?.callee == "102")
        }
    }

    @Test("from the control socket, keeping the callee: the desk is put through to the target, and the caller's phone is hung up at its answer")
    func fromTheControlSocketKeepingTheCallee() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let call = try await pbx.establish(from: alice, to: desk)
            try await pbx.register(carol)
            let id = try #require(await pbx.core.callSnapshots().first?.id)
            #expect(await pbx.core.transfer(callID: id, to: "999", keepingCallee: true) == .unknownTarget)
            #expect(await pbx.core.callSnapshots().first?.caller == "100", "nothing changed for a number leading nowhere")
            #expect(await pbx.core.transfer(callID: id, to: "102", keepingCallee: true) == .started)

            let invite = try await pbx.outbound.request(.invite, to: carol.address)
            #expect(invite.headers["From"]?.contains("sip:101@") == true)
            #expect(SampleSDP.parse(invite.body)?.audioEndpoint?.port == FakeMediaFactory.aPort)
            #expect(call.session.music[.b] != nil, "the desk hears music")
            pbx.send(carol.respond(to: invite, status: 200, toTag: "carol-tag", sdp: carol.sdp(port: 4030)), from: carol)
            let bye = try await pbx.outbound.request(.bye, to: alice.address)
            #expect(bye.headers.callID == call.caller.callID)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.notify, to: alice.address) } == 0)
            let snapshot = try #require(await pbx.core.callSnapshots().first)
            #expect(snapshot.caller == "101" && snapshot.callee == "102")
        }
    }

    @Test("after the caller's transfer a supervisor listens to either phone of the call: the relay side of the one monitored, as the relay has it")
    func monitoringAfterTheCallersTransfer() async throws {
        let supervisor = Phone("103", at: "192.0.2.40")
        try await PBXHarness.run(Cast.everyone + [supervisor]) { pbx in
            let record = try await pbx.extensions.update(supervisor.number, with: ExtensionPatch(mayMonitor: true))
            await pbx.core.extensionChanged(record)
            let (call, invite) = try await callerTransfersToCarol(pbx)
            pbx.send(carol.respond(to: invite, status: 200, toTag: "carol-tag", sdp: carol.sdp(port: 4030)), from: carol)
            _ = try await pbx.outbound.request(.bye, to: alice.address)
            // The desk (101) is the call's caller now and sends to the relay's B port; carol
            // took the A port alice left.
            for (target, side) in [(desk.number, MediaSide.b), (carol.number, MediaSide.a)] {
                let monitorInvite = try await pbx.placeCall(from: supervisor, to: "*222" + target, sdp: supervisor.sdp(port: 4050))
                let ok = try await pbx.outbound.next("the monitor answered") {
                    $0.destination == supervisor.address && $0.response?.statusCode == 200
                        && $0.response?.headers.callID == monitorInvite.headers.callID
                }.response!
                var dialog = try PhoneDialog(caller: supervisor, invite: monitorInvite, ok: ok)
                pbx.send(dialog.ack(inviteCSeq: try monitorInvite.headers.cseq().number), from: supervisor)
                #expect(call.session.monitors.last?.request.agentSide == side, "monitoring \(target)")
                pbx.send(dialog.request(.bye), from: supervisor)
                _ = try await pbx.outbound.response(200, .bye, to: supervisor.address)
            }
        }
    }
}
