import Foundation
import Testing
import VPBXPBX
import VPBXSIP

/// Hold and resume answered by the engine itself, with music on hold to the other party.
@Suite("Calls: hold with music", .timeLimit(.minutes(1)))
struct HoldTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk

    /// INVITEs that reached the callee's phone: the call's first one only, when the engine
    /// keeps hold to itself.
    private func invites(to phone: Phone, in pbx: PBXHarness) -> Int {
        pbx.outbound.distinctCount { $0.isRequest(.invite, to: phone.address) }
    }

    /// The held phone may renegotiate meanwhile (a session refresh, a codec change): that
    /// re-INVITE goes to the holder, and the hold, and with it the RTP timeout's pause, lasts.
    @Test("a re-INVITE from the held phone, relayed and accepted, leaves the RTP timeout suspended while the hold lasts")
    func heldPhonesReInviteKeepsTheTimeoutSuspended() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            let hold = call.caller.request(.invite, sdp: alice.sdp(port: 4010, direction: "sendonly"))
            pbx.send(hold, from: alice)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            pbx.send(call.caller.ack(inviteCSeq: call.caller.cseq), from: alice)
            try await eventually("the media timeout suspended while on hold") { call.session.timeoutChanges == [false, true] }

            pbx.send(call.callee.request(.invite, sdp: desk.sdp(port: 4002, direction: "sendrecv")), from: desk)
            let relayed = try await pbx.outbound.request(.invite, to: alice.address)
            var ok = SIPResponse(to: relayed, status: 200, toTag: nil)
            ok.headers.add("Contact", "<\(alice.contact)>")
            ok.headers.add("Content-Type", "application/sdp")
            ok.body = Array(alice.sdp(port: 4010, direction: "sendonly").utf8)
            pbx.send(ok, from: alice)
            _ = try await pbx.outbound.response(200, .invite, to: desk.address)
            #expect(call.session.isTimeoutSuspended, "timeout changes: \(call.session.timeoutChanges)")
            #expect(await pbx.core.callSnapshots().first?.heldBy == ["caller"])
        }
    }

    @Test("the caller holds (sendonly): the engine answers recvonly itself, the callee hears music in its codec")
    func callerHolds() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            let hold = call.caller.request(.invite, sdp: alice.sdp(port: 4010, direction: "sendonly"))
            pbx.send(hold, from: alice)

            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(try ok.headers.cseq().number == (try hold.headers.cseq().number))
            let answer = try #require(SampleSDP.parse(ok.body))
            #expect(answer.audioEndpoint?.address == PBXHarness.mediaAddress)
            #expect(answer.audioEndpoint?.port == FakeMediaFactory.aPort)
            #expect(answer.direction(ofMediaAt: 0) == .recvonly)
            // The call's codec (the callee answered PCMU first) under the caller's payload type.
            #expect(answer.media[0].formats.first == "0")
            pbx.send(call.caller.ack(inviteCSeq: call.caller.cseq), from: alice)

            try await eventually("music to the callee") { call.session.music[.b] != nil }
            #expect(call.session.music[.b] == MusicOnHold.Codec(encoding: "PCMU", payloadType: 0))
            #expect(call.session.music[.a] == nil)
            try await eventually("the media timeout suspended while on hold") { call.session.isTimeoutSuspended }
            try await eventually("the caller's new RTP address given to the relay") {
                call.session.remotes.contains(.init(side: .a, host: alice.address.host, port: 4010))
            }
            #expect(await pbx.core.callSnapshots().first?.heldBy == ["caller"])
            #expect(invites(to: desk, in: pbx) == 1)

            let resume = call.caller.request(.invite, sdp: alice.sdp(port: 4010, direction: "sendrecv"))
            pbx.send(resume, from: alice)
            let resumed = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(try resumed.headers.cseq().number == (try resume.headers.cseq().number))
            let resumedAnswer = try #require(SampleSDP.parse(resumed.body))
            #expect(resumedAnswer.direction(ofMediaAt: 0) == .sendrecv)
            // Same origin session, next version (RFC 3264 §8).
            #expect(resumedAnswer.origin.sessionID == answer.origin.sessionID)
            #expect(resumedAnswer.origin.sessionVersion == answer.origin.sessionVersion + 1)
            pbx.send(call.caller.ack(inviteCSeq: call.caller.cseq), from: alice)

            try await eventually("music stopped") { call.session.music.isEmpty }
            try await eventually("the media timeout running again") { !call.session.isTimeoutSuspended }
            #expect(await pbx.core.callSnapshots().first?.heldBy == [])
            #expect(invites(to: desk, in: pbx) == 1)
        }
    }

    /// While an application hands its caller on (a queue rings an agent), the caller's phone
    /// may refresh its session or move its media: the engine answers, as it does toward the
    /// application itself, and the relay follows the new address.
    @Test("a caller's re-INVITE while it is handed on is answered by the engine; the relay follows; the new phone still answers")
    func reInviteWhileHandedOn() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let carol = Cast.carol
            try await pbx.register(carol)
            var call = try await pbx.establish(from: alice, to: desk)
            #expect(await pbx.core.handOn(callID: call.callee.callID, to: .extension(carol.number), step: "test"))
            let invite = try await pbx.outbound.request(.invite, to: carol.address)
            pbx.send(carol.respond(to: invite, status: 180, toTag: "carol-tag"), from: carol)

            let moved = call.caller.request(.invite, sdp: alice.sdp(port: 4020))
            pbx.send(moved, from: alice)
            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(try ok.headers.cseq().number == (try moved.headers.cseq().number))
            let answer = try #require(SampleSDP.parse(ok.body))
            #expect(answer.audioEndpoint?.port == FakeMediaFactory.aPort)
            #expect(answer.direction(ofMediaAt: 0) == .sendrecv)
            pbx.send(call.caller.ack(inviteCSeq: call.caller.cseq), from: alice)
            try await eventually("the caller's new RTP address given to the relay") {
                call.session.remotes.contains(.init(side: .a, host: alice.address.host, port: 4020))
            }

            pbx.send(carol.respond(to: invite, status: 200, toTag: "carol-tag", sdp: carol.sdp(port: 4004)), from: carol)
            _ = try await pbx.outbound.request(.ack, to: carol.address)
            try await eventually("the call connected to carol") {
                await pbx.core.callSnapshots().first.map { $0.callee == carol.number && $0.state == .answered } == true
            }
            #expect(invites(to: carol, in: pbx) == 1, "the re-INVITE reached the ringing phone")
        }
    }

    @Test("the callee holds (inactive): the caller hears the music; the call still ends normally")
    func calleeHolds() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            let hold = call.callee.request(.invite, sdp: desk.sdp(port: 4002, direction: "inactive"))
            pbx.send(hold, from: desk)
            let ok = try await pbx.outbound.response(200, .invite, to: desk.address)
            let answer = try #require(SampleSDP.parse(ok.body))
            #expect(answer.audioEndpoint?.port == FakeMediaFactory.bPort)
            #expect(answer.direction(ofMediaAt: 0) == .inactive)
            pbx.send(call.callee.ack(inviteCSeq: call.callee.cseq), from: desk)
            try await eventually("music to the caller") { call.session.music[.a] != nil }
            #expect(call.session.music[.a]?.encoding == "PCMU")
            #expect(pbx.outbound.distinctCount { $0.isRequest(.invite, to: alice.address) } == 0)

            // Hanging up while held: BYE relayed, music gone with the media session.
            pbx.send(call.caller.request(.bye), from: alice)
            _ = try await pbx.outbound.request(.bye, to: desk.address)
            try await eventually("media closed") { call.session.isClosed }
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .answered)
        }
    }

    @Test("a hold that changes the codec is not answered locally: it is relayed end to end")
    func codecChangeIsRelayed() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(from: alice, to: desk)
            // Offers only G.722: the engine cannot answer with the call's PCMU.
            let hold = call.caller.request(.invite, sdp: SampleSDP.g722(host: alice.address.host, port: 4010)
                .replacingOccurrences(of: "a=sendrecv", with: "a=sendonly"))
            pbx.send(hold, from: alice)
            let relayed = try await pbx.outbound.request(.invite, to: desk.address)
            #expect(SampleSDP.parse(relayed.body)?.isHold == true)
            #expect(call.session.music.isEmpty)
        }
    }
}
