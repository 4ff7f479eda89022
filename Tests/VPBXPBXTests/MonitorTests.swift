import Foundation
import Testing
import VPBXPBX
import VPBXSIP
import VPBXStore

/// Listen, whisper and barge signalling: who may, what is answered, how it ends.
@Suite("Calls: supervisor listen, whisper, barge", .timeLimit(.minutes(1)))
struct MonitorTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    /// The supervisor's phone (extension 102).
    let supervisor = Cast.carol

    private func allowMonitoring(_ pbx: PBXHarness) async throws {
        let record = try await pbx.extensions.update(supervisor.number, with: ExtensionPatch(mayMonitor: true))
        await pbx.core.extensionChanged(record)
    }

    /// The supervisor dials `code` + 101 (Bob, in a call with Alice) and gets a final answer.
    private func dialMonitor(
        _ pbx: PBXHarness, code: String = "*222", withOffer: Bool = true
    ) async throws -> (SIPRequest, SIPResponse) {
        let invite = try await pbx.placeCall(
            from: supervisor, to: code + desk.number, sdp: withOffer ? supervisor.sdp(port: 4030) : nil)
        let answer = try await pbx.outbound.next("final answer to the supervisor") {
            $0.destination == supervisor.address && $0.cseqMethod == .invite && ($0.response?.statusCode ?? 0) >= 200
                && $0.response?.headers.callID == invite.headers.callID
        }.response!
        return (invite, answer)
    }

    @Test("an extension not allowed to monitor is refused with 403, and the attempt leaves a CDR")
    func notAllowed() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            _ = try await pbx.establish(from: alice, to: desk)
            let (_, answer) = try await dialMonitor(pbx)
            #expect(answer.statusCode == 403)
            #expect(try await pbx.media.onlySession().monitors.isEmpty)
            let cdr = try await eventually("the refused attempt's CDR") {
                try await pbx.cdrs.search(CDRQuery(number: supervisor.number)).first { $0.disposition == .failed }
            }
            #expect(cdr.callee == "*222101" && cdr.path?.last == "monitor:listen:101")
        }
    }

    @Test("a call between an A-law and a µ-law phone cannot be listened to: 488 dialled, a conflict from the console")
    func bridgedCallIsNotMonitored() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await allowMonitoring(pbx)
            try await pbx.register(supervisor)
            let call = try await pbx.establish(
                from: alice, to: desk, callerOffer: CodecTests.pcmaOffer(host: alice.address.host, port: 4000),
                calleeAnswer: CodecTests.pcmuAnswer(host: desk.address.host, port: 4002))
            try await eventually("the call bridged") { call.session.bridges.last??.awaitsAnswer == false }
            let (_, answer) = try await dialMonitor(pbx)
            #expect(answer.statusCode == 488)
            do {
                _ = try await pbx.core.startMonitor(supervisor: supervisor.number, target: desk.number, mode: .listen)
                Issue.record("a bridged call was monitored")
            } catch let error as MonitorStartError {
                #expect(error.kind == .conflict && error.description.contains("G.711 laws"))
            }
        }
    }

    @Test("an A-law-only caller whose callee answered A-law can be listened to: the conversion set before the answer is no bridge")
    func callWithTheConversionBeforeTheAnswerIsMonitored() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await allowMonitoring(pbx)
            let call = try await pbx.establish(
                from: alice, to: desk, callerOffer: CodecTests.pcmaOffer(host: alice.address.host, port: 4000),
                calleeAnswer: CodecTests.pcmaAnswer(host: desk.address.host, port: 4002))
            #expect(call.session.bridges.count == 1 && call.session.bridges.first??.awaitsAnswer == true)
            let (_, ok) = try await dialMonitor(pbx)
            #expect(ok.statusCode == 200)
            #expect(call.session.monitors.first?.request.callCodec.encoding == "PCMA")
        }
    }

    @Test("listening to an extension in no call gets 480")
    func nothingToMonitor() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await allowMonitoring(pbx)
            let (_, answer) = try await dialMonitor(pbx)
            #expect(answer.statusCode == 480)
        }
    }

    @Test("allowed: answered with the monitor's port; keys 5 and 6 switch modes; the supervisor's BYE leaves the call up")
    func listenSwitchAndLeave() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await allowMonitoring(pbx)
            var call = try await pbx.establish(from: alice, to: desk)
            let (invite, ok) = try await dialMonitor(pbx)
            #expect(ok.statusCode == 200)
            let answer = try #require(SampleSDP.parse(ok.body))
            #expect(answer.audioEndpoint?.port == FakeMonitorMedia.port)
            let monitor = try #require(call.session.monitors.first)
            // Bob (101) is the callee: the agent side is B; the call's codec is what Bob answered.
            #expect(monitor.request.agentSide == .b && monitor.request.mode == .listen)
            #expect(monitor.request.callCodec.encoding == "PCMU")
            #expect(monitor.remote == "\(supervisor.address.host):4030")
            let listed = await pbx.core.monitorSnapshots()
            #expect(listed.count == 1 && listed[0].supervisor == "102" && listed[0].target == "101")

            var dialog = try PhoneDialog(caller: supervisor, invite: invite, ok: ok)
            pbx.send(dialog.ack(inviteCSeq: try invite.headers.cseq().number), from: supervisor)
            monitor.press("5")
            try await eventually("whisper") { monitor.modes == [.whisper] }
            monitor.press("6")
            monitor.press("9")  // not a mode key: ignored
            try await eventually("barge") { monitor.modes == [.whisper, .barge] }
            #expect(await pbx.core.monitorSnapshots().first?.mode == .barge)

            pbx.send(dialog.request(.bye), from: supervisor)
            _ = try await pbx.outbound.response(200, .bye, to: supervisor.address)
            try await eventually("the monitor's port released") { monitor.isClosed }
            #expect(await pbx.core.monitorSnapshots().isEmpty)
            // Alice and Bob still talk.
            #expect(await pbx.core.callSnapshots().first?.state == .answered)
            #expect(!call.session.isClosed)
            pbx.send(call.caller.request(.bye), from: alice)
            _ = try await pbx.outbound.request(.bye, to: desk.address)
        }
    }

    @Test("the supervisor's phone re-INVITEs with its media moved: 200 with the same answer, the monitor follows the new address")
    func supervisorsReInviteMovesTheMonitor() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (monitor, _) = try await supervisorReInvites(pbx, sdp: supervisor.sdp(port: 4040))
            #expect(monitor.remote == "\(supervisor.address.host):4040")
        }
    }

    @Test("the supervisor's phone re-INVITEs without an offer: 200 offers the session again, the ACK's answer moves the monitor")
    func supervisorsOfferlessReInvite() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (monitor, dialog) = try await supervisorReInvites(pbx, sdp: nil)
            pbx.send(dialog.ack(inviteCSeq: dialog.cseq, sdp: supervisor.sdp(port: 4044)), from: supervisor)
            try await eventually("the ACK's answer address given to the monitor") {
                monitor.remote == "\(supervisor.address.host):4044"
            }
            // A later ACK without an answer (a retransmission) changes nothing.
            pbx.send(dialog.ack(inviteCSeq: dialog.cseq), from: supervisor)
            try await pbx.settle(via: supervisor)
            #expect(monitor.remote == "\(supervisor.address.host):4044")
            #expect(await pbx.core.monitorSnapshots().count == 1)
        }
    }

    /// A supervisor listening in to Alice's call with the desk phone re-INVITEs with `sdp`
    /// (nil: without an offer); its 200 offers or answers with the monitoring session as
    /// it was. Returns the monitor and the supervisor's dialog.
    private func supervisorReInvites(
        _ pbx: PBXHarness, sdp: String?
    ) async throws -> (monitor: FakeMonitorMedia, dialog: PhoneDialog) {
        try await allowMonitoring(pbx)
        _ = try await pbx.establish(from: alice, to: desk)
        let (invite, ok) = try await dialMonitor(pbx)
        let monitor = try #require(try await pbx.media.onlySession().monitors.first)
        var dialog = try PhoneDialog(caller: supervisor, invite: invite, ok: ok)
        pbx.send(dialog.ack(inviteCSeq: try invite.headers.cseq().number), from: supervisor)
        pbx.send(dialog.request(.invite, sdp: sdp), from: supervisor)
        let refreshed = try await pbx.outbound.next("the re-INVITE's 200") {
            $0.isResponse(200, .invite, to: supervisor.address) && (try? $0.message.headers.cseq().number) == dialog.cseq
        }
        #expect(refreshed.response?.body == ok.body)
        return (monitor, dialog)
    }

    @Test("a supervisor dialling without an offer is offered the call's codec; the ACK's answer points the monitor's port")
    func lateOffer() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await allowMonitoring(pbx)
            let call = try await pbx.establish(from: alice, to: desk)
            let (invite, ok) = try await dialMonitor(pbx, withOffer: false)
            #expect(ok.statusCode == 200)
            let offer = try #require(SampleSDP.parse(ok.body))
            #expect(offer.audioEndpoint?.port == FakeMonitorMedia.port)
            let audio = try #require(offer.firstAudioIndex.map { offer.media[$0] })
            // Only the call's own codec (Bob answered PCMU) can be mixed without transcoding.
            #expect(audio.codecs.map(\.encodingName) == ["PCMU", "telephone-event"])
            let monitor = try #require(call.session.monitors.first)
            #expect(monitor.request.supervisorCodec.encoding == "PCMU")
            #expect(monitor.remote == nil, "no address before the answer")

            let dialog = try PhoneDialog(caller: supervisor, invite: invite, ok: ok)
            pbx.send(dialog.ack(inviteCSeq: try invite.headers.cseq().number, sdp: supervisor.sdp(port: 4032)), from: supervisor)
            try await eventually("the supervisor's answer address given to the monitor") {
                monitor.remote == "\(supervisor.address.host):4032"
            }
            #expect(await pbx.core.monitorSnapshots().count == 1)
        }
    }

    @Test("a supervisor's ACK without an answer to our offer ends the monitoring with a BYE")
    func lateOfferWithoutAnswer() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await allowMonitoring(pbx)
            let call = try await pbx.establish(from: alice, to: desk)
            let (invite, ok) = try await dialMonitor(pbx, withOffer: false)
            #expect(ok.statusCode == 200)
            let monitor = try #require(call.session.monitors.first)
            let dialog = try PhoneDialog(caller: supervisor, invite: invite, ok: ok)
            pbx.send(dialog.ack(inviteCSeq: try invite.headers.cseq().number), from: supervisor)
            let bye = try await pbx.outbound.request(.bye, to: supervisor.address)
            #expect(bye.headers.callID == invite.headers.callID)
            try await eventually("the monitor's port released") { monitor.isClosed }
            #expect(await pbx.core.callSnapshots().first?.state == .answered, "the monitored call goes on")
        }
    }

    @Test("the monitored call ends: the supervisor gets a BYE; a second supervisor on the same call gets 486")
    func callEndEndsMonitoring() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await allowMonitoring(pbx)
            var call = try await pbx.establish(from: alice, to: desk)
            let (invite, ok) = try await dialMonitor(pbx, code: "*223")
            #expect(ok.statusCode == 200)
            let monitor = try #require(call.session.monitors.first)
            #expect(monitor.request.mode == .whisper)
            let dialog = try PhoneDialog(caller: supervisor, invite: invite, ok: ok)
            pbx.send(dialog.ack(inviteCSeq: try invite.headers.cseq().number), from: supervisor)

            let (_, second) = try await dialMonitor(pbx, code: "*224")
            #expect(second.statusCode == 486)

            pbx.send(call.caller.request(.bye), from: alice)
            _ = try await pbx.outbound.request(.bye, to: desk.address)
            let bye = try await pbx.outbound.request(.bye, to: supervisor.address)
            #expect(bye.headers.callID == invite.headers.callID)
            try await eventually("the monitor's port released") { monitor.isClosed }
            #expect(await pbx.core.monitorSnapshots().isEmpty)
        }
    }
}

/// Monitoring started from the control socket: the engine rings the supervisor's phone.
@Suite("Calls: monitoring rung from the console", .timeLimit(.minutes(1)))
struct MonitorRingTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let supervisor = Cast.carol

    private func allowAndRegister(_ pbx: PBXHarness) async throws {
        let record = try await pbx.extensions.update(supervisor.number, with: ExtensionPatch(mayMonitor: true))
        await pbx.core.extensionChanged(record)
        try await pbx.register(supervisor)
    }

    @Test("the supervisor's phone is offered the call's codec on the monitor's port; answering attaches it; the call's end hangs it up")
    func ringAnswerAndEnd() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await allowAndRegister(pbx)
            var call = try await pbx.establish(from: alice, to: desk)
            let started = try await pbx.core.startMonitor(supervisor: "102", target: "101", mode: .whisper)
            #expect(started.answeredAt == nil && started.rung)

            let invite = try await pbx.outbound.request(.invite, to: supervisor.address)
            let offer = try #require(SampleSDP.parse(invite.body))
            #expect(offer.audioEndpoint?.port == FakeMonitorMedia.port)
            #expect(offer.media[0].formats == ["0", "101"], "the call's codec (Bob answered PCMU) and telephone-event")
            #expect(try invite.headers.from().uri.user == "101", "the phone shows whom it will hear")
            let monitor = try #require(call.session.monitors.first)
            #expect(monitor.request.mode == .whisper && monitor.request.agentSide == .b)

            pbx.send(supervisor.respond(to: invite, status: 180, toTag: "sup"), from: supervisor)
            pbx.send(supervisor.respond(to: invite, status: 200, toTag: "sup", sdp: supervisor.sdp(port: 4040)), from: supervisor)
            let ack = try await pbx.outbound.request(.ack, to: supervisor.address)
            #expect(ack.headers.callID == invite.headers.callID)
            try await eventually("attached") { await pbx.core.monitorSnapshots().first?.answeredAt != nil }
            #expect(monitor.remote == "\(supervisor.address.host):4040")

            pbx.send(call.caller.request(.bye), from: alice)
            let bye = try await pbx.outbound.request(.bye, to: supervisor.address)
            #expect(bye.headers.callID == invite.headers.callID)
            try await eventually("the monitor's port released") { monitor.isClosed }
            let cdr = try await eventually("the monitoring leg's CDR") {
                try await pbx.cdrs.search(CDRQuery(number: supervisor.number)).first { $0.disposition == .answered }
            }
            #expect(cdr.callee == "102" && cdr.path?.first == "monitor:whisper:101")
        }
    }

    @Test("the call ends while the supervisor's phone rings: CANCEL; refusals name the reason")
    func cancelWhileRinging() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await #expect(throws: MonitorStartError.self) {
                _ = try await pbx.core.startMonitor(supervisor: "102", target: "101", mode: .listen)
            }
            try await allowAndRegister(pbx)
            do {
                _ = try await pbx.core.startMonitor(supervisor: "102", target: "101", mode: .listen)
                Issue.record("101 is in no call yet")
            } catch let error as MonitorStartError {
                #expect(error.kind == .notFound)
            }
            var call = try await pbx.establish(from: alice, to: desk)
            _ = try await pbx.core.startMonitor(supervisor: "102", target: "101", mode: .listen)
            let invite = try await pbx.outbound.request(.invite, to: supervisor.address)
            pbx.send(supervisor.respond(to: invite, status: 180, toTag: "sup"), from: supervisor)
            try await pbx.settle(via: supervisor)
            pbx.send(call.caller.request(.bye), from: alice)
            let cancel = try await pbx.outbound.request(.cancel, to: supervisor.address)
            #expect(cancel.headers.callID == invite.headers.callID)
            #expect(await pbx.core.monitorSnapshots().isEmpty)
        }
    }
}
