import Foundation
import Testing
import VPBXPBX
import VPBXSIP
import VPBXSRTP
import VPBXStore

/// A call's record says whether its audio was encrypted while it was answered (SRTP the
/// engine terminated on a leg, or keys it cannot take passed end to end), for an audit
/// after the call.
@Suite("CDR: encrypted calls", .timeLimit(.minutes(1)))
struct EncryptedCDRTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let carol = Cast.carol

    /// `sdp` under `profile` with one key line (a fresh key).
    private func secured(_ sdp: String, profile: String = "RTP/SAVP") -> String {
        SampleSDP.secured(sdp, key: .random(), profile: profile)
    }

    private func deskSpeaksSRTP(_ policy: SRTPPolicy, _ pbx: PBXHarness) async throws {
        let updated = try await pbx.extensions.update(desk.number, with: ExtensionPatch(srtp: policy))
        await pbx.core.extensionChanged(updated)
    }

    /// Alice hangs up `call`; its finished record.
    private func aliceHangsUp(_ call: PBXHarness.Established, _ pbx: PBXHarness) async throws -> CDRRecord {
        var caller = call.caller
        pbx.send(caller.request(.bye), from: alice)
        _ = try await pbx.outbound.response(200, .bye, to: alice.address)
        let record = try await pbx.finishedCDR(of: alice.number)
        #expect(record.disposition == .answered && record.hangupSide == .caller)
        return record
    }

    @Test("an SRTP caller to a plain phone (its SRTP terminated by the engine), answered and hung up: encrypted")
    func srtpCallerToAPlainPhone() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let call = try await pbx.establish(from: alice, to: desk, callerOffer: secured(alice.sdp()))
            #expect(call.session.srtpTerminations.map(\.side) == [.a])
            #expect(try await aliceHangsUp(call, pbx).encrypted)
        }
    }

    @Test("a plain call: not encrypted")
    func plainCall() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let call = try await pbx.establish(from: alice, to: desk)
            #expect(try await aliceHangsUp(call, pbx).encrypted == false)
        }
    }

    @Test("a plain caller to a phone that takes the engine's key (--srtp mandatory, its side terminated): encrypted")
    func plainCallerToAnSRTPPhone() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await deskSpeaksSRTP(.mandatory, pbx)
            let call = try await pbx.establish(from: alice, to: desk, calleeAnswer: secured(desk.sdp(port: 4002)))
            #expect(call.session.srtpTerminations.map(\.side) == [.b])
            #expect(try await aliceHangsUp(call, pbx).encrypted)
        }
    }

    /// `sdp` under `profile` with a key line the engine cannot take (AES-256): such keys pass
    /// between the phones as they are.
    private func securedBeyondTheEngine(_ sdp: String, profile: String = "RTP/SAVP") -> String {
        let key = (0..<46).map { _ in UInt8.random(in: 0...255) }
        let line = "a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:\(Data(key).base64EncodedString())"
        return sdp.replacingOccurrences(of: "RTP/AVP ", with: "\(profile) ")
            .replacingOccurrences(of: "a=sendrecv", with: "\(line)\r\na=sendrecv")
    }

    @Test("two SRTP phones (both sides terminated by the engine): encrypted")
    func twoSRTPPhones() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await deskSpeaksSRTP(.mandatory, pbx)
            let call = try await pbx.establish(
                from: alice, to: desk, callerOffer: secured(alice.sdp()), calleeAnswer: secured(desk.sdp(port: 4002)))
            #expect(call.session.srtpTerminations.map(\.side) == [.a, .b])
            #expect(try await aliceHangsUp(call, pbx).encrypted)
        }
    }

    @Test("keys the engine cannot take passed end to end and answered with keys (nothing terminated): encrypted")
    func passedEndToEnd() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let call = try await pbx.establish(
                from: alice, to: desk, callerOffer: securedBeyondTheEngine(alice.sdp()),
                calleeAnswer: securedBeyondTheEngine(desk.sdp(port: 4002)))
            #expect(call.session.srtpTerminations.isEmpty)
            #expect(try await aliceHangsUp(call, pbx).encrypted)
        }
    }

    /// A best-effort offer (keys under RTP/AVP) the engine cannot take passes to the phone as
    /// it is; one that answers without keys makes the call plain, though the offer had keys.
    @Test("a best-effort offer of keys the engine cannot take, answered plain: not encrypted")
    func bestEffortOfferAnsweredPlain() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let call = try await pbx.establish(
                from: alice, to: desk, callerOffer: securedBeyondTheEngine(alice.sdp(), profile: "RTP/AVP"))
            let invite = try #require(pbx.outbound.sent.first { $0.isRequest(.invite, to: desk.address) }?.request)
            #expect(String(decoding: invite.body, as: UTF8.self).contains("a=crypto"), "the offer passed as it was")
            #expect(call.session.srtpTerminations.isEmpty)
            #expect(await pbx.core.callSnapshots().map(\.encrypted) == [false], "call.list agrees with the record")
            #expect(try await aliceHangsUp(call, pbx).encrypted == false)
        }
    }

    @Test("an SRTP caller who gives up while it rings (its SRTP terminated already): unanswered, not encrypted")
    func unansweredSRTPCall() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk], callerOffer: secured(alice.sdp()))
            #expect(try await pbx.media.onlySession().srtpTerminations.map(\.side) == [.a])
            pbx.send(alice.cancel(ringing.callerInvite), from: alice)
            let record = try await pbx.finishedCDR(of: alice.number)
            #expect(record.disposition == .cancelled)
            #expect(record.encrypted == false)
        }
    }

    @Test("a plain call picked up (*8) by an SRTP phone, whose SRTP the engine terminates: encrypted")
    func pickedUpByAnSRTPPhone() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            _ = try await pbx.placeCall(from: carol, to: "*8\(desk.number)", sdp: secured(carol.sdp(port: 4050)))
            let callerOK = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(try await pbx.media.onlySession().srtpTerminations.map(\.side) == [.b])
            var caller = try PhoneDialog(caller: alice, invite: ringing.callerInvite, ok: callerOK)
            pbx.send(caller.ack(inviteCSeq: try ringing.callerInvite.headers.cseq().number), from: alice)
            pbx.send(caller.request(.bye), from: alice)
            let record = try await pbx.finishedCDR(of: alice.number)
            #expect(record.disposition == .answered && record.encrypted)
        }
    }

    /// The caller's phone answered the engine's key before the call had an answer: the
    /// callee's answer, later, is what makes that encryption count.
    @Test("click-to-call from a phone that takes the engine's key, answered by a plain phone: encrypted")
    func clickToCallFromAnSRTPPhone() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let updated = try await pbx.extensions.update(alice.number, with: ExtensionPatch(srtp: .mandatory))
            await pbx.core.extensionChanged(updated)
            try await pbx.register(alice)
            try await pbx.register(desk)
            _ = try await pbx.core.originate(from: alice.number, to: desk.number)
            let invite = try await pbx.outbound.request(.invite, to: alice.address)
            pbx.send(
                alice.respond(to: invite, status: 200, toTag: "alice", sdp: secured(alice.sdp(port: 4000))), from: alice
            )
            let deskInvite = try await pbx.outbound.request(.invite, to: desk.address)
            pbx.send(desk.respond(to: deskInvite, status: 200, toTag: "desk", sdp: desk.sdp(port: 4002)), from: desk)
            _ = try await pbx.outbound.request(.ack, to: desk.address)
            let id = try #require(await pbx.core.callSnapshots().first?.id)
            try await eventually("the call answered") { await pbx.core.callSnapshots().first?.answeredAt != nil }
            #expect(await pbx.core.hangup(callID: id))
            let record = try await pbx.finishedCDR(of: alice.number)
            #expect(record.disposition == .answered && record.encrypted)
        }
    }
}
