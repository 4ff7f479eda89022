import Foundation
import Testing
import VPBXNetwork
import VPBXPBX
import VPBXSDP
import VPBXSIP
import VPBXSRTP
import VPBXStore

/// A supervisor's phone that speaks SRTP: the relay terminates it on the monitor's own port,
/// the phone getting the engine's key whoever makes the offer.
@Suite("Calls: supervisor's SRTP phone", .timeLimit(.minutes(1)))
struct MonitorSRTPTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let supervisor = Cast.carol
    let supervisorKey = SRTPKeyMaterial.random()

    private func allow(_ pbx: PBXHarness, srtp: SRTPPolicy = .off) async throws {
        let record = try await pbx.extensions.update(
            supervisor.number, with: ExtensionPatch(mayMonitor: true, srtp: srtp))
        await pbx.core.extensionChanged(record)
    }

    /// `sdp` under RTP/SAVP with the supervisor's key.
    private func secured(_ sdp: String, tag: Int = 4) -> String {
        SampleSDP.secured(sdp, key: supervisorKey, tag: tag)
    }

    /// The one crypto line of `body`'s audio, and its key.
    private func engineKey(in body: [UInt8]) throws -> (tag: Int, key: SRTPKeyMaterial) {
        let sdp = try #require(SampleSDP.parse(body))
        let lines = sdp.media[try #require(sdp.firstAudioIndex)].sdesCryptos
        try #require(lines.count == 1, "\(lines)")
        return (lines[0].tag, try #require(lines[0].simpleInlineKey.flatMap { SRTPKeyMaterial(base64: $0) }))
    }

    @Test(
        "a supervisor dialling *222 with SRTP is answered RTP/SAVP with the engine's key under its tag; the monitor terminates both keys"
    )
    func dialledWithKeys() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await allow(pbx)
            let call = try await pbx.establish(from: alice, to: desk)
            let invite = try await pbx.placeCall(
                from: supervisor, to: "*222" + desk.number, sdp: secured(supervisor.sdp(port: 4030)))
            let ok = try await pbx.outbound.next("the supervisor's answer") {
                $0.destination == supervisor.address && $0.response?.headers.callID == invite.headers.callID
                    && ($0.response?.statusCode ?? 0) >= 200
            }.response!
            #expect(ok.statusCode == 200)
            #expect(String(decoding: ok.body, as: UTF8.self).contains("m=audio \(FakeMonitorMedia.port) RTP/SAVP "))
            let (tag, key) = try engineKey(in: ok.body)
            #expect(tag == 4 && key != supervisorKey)
            let monitor = try #require(call.session.monitors.first)
            #expect(
                monitor.srtpTerminations == [
                    RelaySRTPKeys(
                        fromPhone: SRTPParameters(suite: .aesCM128HmacSHA1_80, master: supervisorKey),
                        toPhone: SRTPParameters(suite: .aesCM128HmacSHA1_80, master: key))
                ])
            // The call's own sides are plain: nothing terminated there.
            #expect(call.session.srtpTerminations.isEmpty)
            // The supervisor hangs up: its leg's record says it was encrypted.
            var leg = try PhoneDialog(caller: supervisor, invite: invite, ok: ok)
            pbx.send(leg.ack(inviteCSeq: try invite.headers.cseq().number), from: supervisor)
            pbx.send(leg.request(.bye), from: supervisor)
            let record = try await eventually("the supervisor's leg's record") {
                try await pbx.cdrs.search(CDRQuery(number: supervisor.number)).first { $0.disposition == .answered }
            }
            #expect(record.encrypted)
        }
    }

    @Test(
        "rung from the console, a supervisor whose extension speaks SRTP is offered the engine's key; its answer's key is terminated"
    )
    func rungOffersTheEngineKey() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await allow(pbx, srtp: .mandatory)
            try await pbx.register(supervisor)
            let call = try await pbx.establish(from: alice, to: desk)
            _ = try await pbx.core.startMonitor(supervisor: "102", target: "101", mode: .listen)
            let invite = try await pbx.outbound.request(.invite, to: supervisor.address)
            #expect(String(decoding: invite.body, as: UTF8.self).contains("RTP/SAVP "))
            let offered = try engineKey(in: invite.body)
            pbx.send(
                supervisor.respond(
                    to: invite, status: 200, toTag: "sup", sdp: secured(supervisor.sdp(port: 4040), tag: 1)),
                from: supervisor)
            _ = try await pbx.outbound.request(.ack, to: supervisor.address)
            let monitor = try #require(call.session.monitors.first)
            try await eventually("attached") { await pbx.core.monitorSnapshots().first?.answeredAt != nil }
            #expect(monitor.srtpTerminations.count == 1)
            #expect(monitor.srtpTerminations.first??.fromPhone.master == supervisorKey)
            #expect(monitor.srtpTerminations.first??.toPhone.master == offered.key)
        }
    }

    @Test("a plain supervisor is offered and answered plain: nothing terminated")
    func plainSupervisor() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await allow(pbx)
            try await pbx.register(supervisor)
            let call = try await pbx.establish(from: alice, to: desk)
            _ = try await pbx.core.startMonitor(supervisor: "102", target: "101", mode: .listen)
            let invite = try await pbx.outbound.request(.invite, to: supervisor.address)
            #expect(!String(decoding: invite.body, as: UTF8.self).contains("crypto"))
            pbx.send(
                supervisor.respond(to: invite, status: 200, toTag: "sup", sdp: supervisor.sdp(port: 4040)),
                from: supervisor)
            _ = try await pbx.outbound.request(.ack, to: supervisor.address)
            try await eventually("attached") { await pbx.core.monitorSnapshots().first?.answeredAt != nil }
            #expect(try #require(call.session.monitors.first).srtpTerminations.isEmpty)
        }
    }

    @Test(
        "dialled without an offer by a supervisor whose extension speaks SRTP: the 200 offers the engine's key, the ACK's key is terminated"
    )
    func lateOfferWithKeys() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await allow(pbx, srtp: .mandatory)
            let call = try await pbx.establish(from: alice, to: desk)
            let invite = try await pbx.placeCall(from: supervisor, to: "*222" + desk.number, sdp: nil)
            let ok = try await pbx.outbound.response(200, .invite, to: supervisor.address)
            let offered = try engineKey(in: ok.body)
            let dialog = try PhoneDialog(caller: supervisor, invite: invite, ok: ok)
            pbx.send(
                dialog.ack(
                    inviteCSeq: try invite.headers.cseq().number, sdp: secured(supervisor.sdp(port: 4032), tag: 1)),
                from: supervisor)
            let monitor = try #require(call.session.monitors.first)
            try await eventually("the supervisor's key terminated") { monitor.srtpTerminations.count == 1 }
            #expect(monitor.srtpTerminations.first??.fromPhone.master == supervisorKey)
            #expect(monitor.srtpTerminations.first??.toPhone.master == offered.key)
            #expect(monitor.remote == "\(supervisor.address.host):4032")
        }
    }
}
