import Foundation
import Testing
import VPBXNetwork
import VPBXPBX
import VPBXSDP
import VPBXSIP
import VPBXSRTP
import VPBXStore

/// SRTP the engine terminates (SDES): a caller whose call ends at the engine's own
/// applications or goes out through a trunk gets the engine's key; the far side plain RTP.
@Suite("Caller's SRTP terminated", .timeLimit(.minutes(1)))
struct CallerSRTPTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let provider = Phone("+3612345600", at: "192.0.2.77")
    static let aliceKey = SRTPKeyMaterial.random()

    /// `sdp` with an SRTP profile and `crypto` lines (the key defaults to alice's, suite 80).
    private func secure(_ sdp: String, profile: String = "RTP/SAVP", crypto: [String]? = nil) -> String {
        let lines = crypto ?? ["a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:\(Self.aliceKey.base64)|2^31"]
        return sdp.replacingOccurrences(of: "RTP/AVP ", with: "\(profile) ")
            .replacingOccurrences(of: "a=sendrecv", with: (lines + ["a=sendrecv"]).joined(separator: "\r\n"))
    }

    private func answer(_ invite: SIPRequest, from peer: SIPPeerAddress, pbx: PBXHarness, port: Int = 4060) {
        var ok = SIPResponse(to: invite, status: 200, toTag: "far-tag")
        ok.headers.add("Contact", "<sip:far@\(peer.host):5060>")
        ok.headers.add("Content-Type", "application/sdp")
        ok.body = Array(desk.sdp(port: port).utf8)
        pbx.core.receive(IncomingSIP(message: .response(ok), source: peer))
    }

    /// The one `a=crypto` line of `message`'s SDP, parsed.
    private func crypto(of body: [UInt8]) throws -> SDESCrypto {
        let sdp = try #require(SampleSDP.parse(body))
        let lines = sdp.media[try #require(sdp.firstAudioIndex)].sdesCryptos
        try #require(lines.count == 1, "\(lines)")
        return lines[0]
    }

    @Test(
        "an SRTP caller to voicemail: the application is offered plain RTP, the caller answered under its profile and line tag with the engine's own key, the relay terminates side A with both keys"
    )
    func callerToAnApplication() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let callerInvite = try await pbx.placeCall(from: alice, to: "*97", sdp: secure(alice.sdp()))
            let invite = try await pbx.outbound.request(.invite, to: Application.peer)
            let offered = String(decoding: invite.body, as: UTF8.self)
            #expect(
                offered.contains("m=audio \(FakeMediaFactory.bPort) RTP/AVP ") && !offered.contains("crypto"),
                "\(offered)")
            let session = try await pbx.media.onlySession()
            answer(invite, from: Application.peer, pbx: pbx)
            let callerOK = try await pbx.outbound.response(200, .invite, to: alice.address)
            let answered = String(decoding: callerOK.body, as: UTF8.self)
            #expect(answered.contains("m=audio \(FakeMediaFactory.aPort) RTP/SAVP "), "\(answered)")
            let line = try crypto(of: callerOK.body)
            #expect(line.tag == 3 && line.suite == "AES_CM_128_HMAC_SHA1_80")
            let engineKey = try #require(line.simpleInlineKey.flatMap { SRTPKeyMaterial(base64: $0) })
            #expect(engineKey != Self.aliceKey)
            let terminations = session.srtpTerminations
            #expect(terminations.count == 1 && terminations.first?.side == .a)
            #expect(
                terminations.first?.keys?.fromPhone
                    == SRTPParameters(suite: .aesCM128HmacSHA1_80, master: Self.aliceKey))
            #expect(terminations.first?.keys?.toPhone == SRTPParameters(suite: .aesCM128HmacSHA1_80, master: engineKey))
            #expect(await pbx.core.callSnapshots().map(\.encrypted) == [true])

            // A refresh with the same key is answered with the same engine key; a new key of
            // the caller's reaches the relay, the engine's stays.
            let dialog = try PhoneDialog(caller: alice, invite: callerInvite, ok: callerOK)
            pbx.send(dialog.ack(inviteCSeq: try callerInvite.headers.cseq().number), from: alice)
            var caller = dialog
            pbx.send(caller.request(.invite, sdp: secure(alice.sdp(port: 4020))), from: alice)
            let refreshed = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(try crypto(of: refreshed.body).simpleInlineKey == line.simpleInlineKey)
            #expect(session.srtpTerminations.count == 1)
            let newKey = SRTPKeyMaterial.random()
            pbx.send(
                caller.request(
                    .invite,
                    sdp: secure(
                        alice.sdp(port: 4020), crypto: ["a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:\(newKey.base64)"])),
                from: alice)
            let rekeyed = try await pbx.outbound.response(200, .invite, to: alice.address)
            let rekeyedLine = try crypto(of: rekeyed.body)
            #expect(rekeyedLine.tag == 1 && rekeyedLine.suite == "AES_CM_128_HMAC_SHA1_32")
            #expect(rekeyedLine.simpleInlineKey == line.simpleInlineKey)
            let last = try #require(session.srtpTerminations.last?.keys)
            #expect(last.fromPhone == SRTPParameters(suite: .aesCM128HmacSHA1_32, master: newKey))
            #expect(last.toPhone.master == engineKey)
        }
    }

    @Test("an SRTP caller out through a trunk: the provider gets plain RTP, the caller the engine's key")
    func callerThroughATrunk() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var plan = DialPlan(routes: [:])
            plan.trunks = [
                Trunk(
                    name: "carrier", host: provider.address.host, username: "office", password: "tr-secret",
                    callerID: "+3612345600", numberFormat: .digits, inbound: nil)
            ]
            await pbx.core.setDialPlan(plan)
            _ = try await pbx.placeCall(from: alice, to: "06301234567", sdp: secure(alice.sdp(), profile: "RTP/AVP"))
            let invite = try await pbx.outbound.request(.invite, to: provider.address)
            let offered = String(decoding: invite.body, as: UTF8.self)
            #expect(!offered.contains("crypto") && offered.contains("RTP/AVP"), "\(offered)")
            pbx.send(
                provider.respond(to: invite, status: 200, toTag: "p2", sdp: provider.sdp(port: 4100)), from: provider)
            let callerOK = try await pbx.outbound.response(200, .invite, to: alice.address)
            // Best-effort SDES (keys under RTP/AVP) is answered the same way.
            #expect(String(decoding: callerOK.body, as: UTF8.self).contains("RTP/AVP"))
            #expect(try crypto(of: callerOK.body).tag == 3)
            #expect(try await pbx.media.onlySession().srtpTerminations.count == 1)
        }
    }

    @Test(
        "keys the engine cannot take (an MKI, a suite it lacks, DTLS) are not terminated: the application is offered them as before"
    )
    func unusableKeysPassAsBefore() async throws {
        let unusable = [
            ["a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.aliceKey.base64)|2^20|1:4"],
            ["a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:\(Self.aliceKey.base64)"],
            ["a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.aliceKey.base64) UNENCRYPTED_SRTP"],
            ["a=fingerprint:sha-256 AB:CD", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.aliceKey.base64)"],
        ]
        for lines in unusable {
            try await PBXHarness.run(Cast.everyone) { pbx in
                _ = try await pbx.placeCall(from: alice, to: "*97", sdp: secure(alice.sdp(), crypto: lines))
                let invite = try await pbx.outbound.request(.invite, to: Application.peer)
                #expect(String(decoding: invite.body, as: UTF8.self).contains("RTP/SAVP"), "\(lines)")
                #expect(try await pbx.media.onlySession().srtpTerminations.isEmpty)
            }
        }
    }

    private func deskSpeaksSRTP(_ policy: SRTPPolicy, _ pbx: PBXHarness) async throws {
        let updated = try await pbx.extensions.update(desk.number, with: ExtensionPatch(srtp: policy))
        await pbx.core.extensionChanged(updated)
    }

    @Test(
        "between two SRTP phones (the desk's extension --srtp mandatory) the engine terminates both sides: the desk is offered the engine's key, not the caller's"
    )
    func bothSidesTerminated() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await deskSpeaksSRTP(.mandatory, pbx)
            let deskKey = SRTPKeyMaterial.random()
            let call = try await pbx.establish(
                from: alice, to: desk, callerOffer: secure(alice.sdp()),
                calleeAnswer: secure(
                    desk.sdp(port: 4002), crypto: ["a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(deskKey.base64)"]))
            let invite = try #require(pbx.outbound.sent.first { $0.isRequest(.invite, to: desk.address) }?.request)
            #expect(String(decoding: invite.body, as: UTF8.self).contains("RTP/SAVP "))
            let offered = try crypto(of: invite.body)
            #expect(offered.simpleInlineKey != Self.aliceKey.base64[...])
            let callerOK = try #require(
                pbx.outbound.sent.last { $0.isResponse(200, .invite, to: alice.address) }?.response)
            #expect(try crypto(of: callerOK.body).simpleInlineKey != deskKey.base64[...])
            #expect(call.session.srtpTerminations.map(\.side) == [.a, .b])
            #expect(call.session.srtpTerminations.last?.keys?.fromPhone.master == deskKey)
        }
    }

    @Test(
        "an SRTP call to a busy SRTP phone goes on to voicemail: the application is offered plain RTP, the caller answered with the engine's key"
    )
    func busyThenVoicemail() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await deskSpeaksSRTP(.mandatory, pbx)
            await pbx.core.setMailbox(desk.number, enabled: true)
            let ringing = try await pbx.dial(from: alice, to: [desk], callerOffer: secure(alice.sdp()))
            #expect(!String(decoding: ringing.calleeInvites[0].body, as: UTF8.self).contains(Self.aliceKey.base64))
            let session = try await pbx.media.onlySession()
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 486, toTag: "busy-tag"), from: desk)
            let voicemail = try await pbx.outbound.request(.invite, to: Application.peer)
            let offered = String(decoding: voicemail.body, as: UTF8.self)
            #expect(offered.contains("RTP/AVP ") && !offered.contains("crypto"), "\(offered)")
            answer(voicemail, from: Application.peer, pbx: pbx)
            let callerOK = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(String(decoding: callerOK.body, as: UTF8.self).contains("RTP/SAVP "))
            let line = try crypto(of: callerOK.body)
            #expect(line.tag == 3 && line.simpleInlineKey != Self.aliceKey.base64[...])
            #expect(session.srtpTerminations.map(\.side) == [.a])
            #expect(session.srtpTerminations.first?.keys?.fromPhone.master == Self.aliceKey)
        }
    }

    @Test(
        "an SRTP call between SRTP phones transferred to another SRTP phone: the target is offered a new engine key, its own key terminates side B; the caller's side is untouched",
        arguments: [SRTPPolicy.mandatory, .off])
    func transferredOn(targetPolicy: SRTPPolicy) async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await deskSpeaksSRTP(.mandatory, pbx)
            let carol = Cast.carol
            let updated = try await pbx.extensions.update(carol.number, with: ExtensionPatch(srtp: targetPolicy))
            await pbx.core.extensionChanged(updated)
            try await pbx.register(carol)
            let call = try await pbx.establish(
                from: alice, to: desk, callerOffer: secure(alice.sdp()), calleeAnswer: secure(desk.sdp(port: 4002)))
            let id = try #require(await pbx.core.callSnapshots().first?.id)
            #expect(await pbx.core.transfer(callID: id, to: carol.number) == .started)
            let invite = try await pbx.outbound.request(.invite, to: carol.address)
            let carolKey = SRTPKeyMaterial.random()
            var carolAnswer = carol.sdp(port: 4030)
            if targetPolicy == .mandatory {
                #expect(try crypto(of: invite.body).simpleInlineKey != Self.aliceKey.base64[...])
                carolAnswer = secure(
                    carolAnswer, crypto: ["a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(carolKey.base64)"])
            } else {
                #expect(!String(decoding: invite.body, as: UTF8.self).contains("crypto"))
            }
            pbx.send(carol.respond(to: invite, status: 200, toTag: "carol-tag", sdp: carolAnswer), from: carol)
            _ = try await pbx.outbound.request(.bye, to: desk.address)
            let terminations = call.session.srtpTerminations
            #expect(terminations.filter { $0.side == .a }.count == 1, "the caller's side set once: \(terminations)")
            #expect(terminations.last?.side == .b)
            #expect(terminations.last?.keys?.fromPhone.master == (targetPolicy == .mandatory ? carolKey : nil))
        }
    }

    /// Alice's SRTP call to the desk (an SRTP phone, its key returned), answered and settled,
    /// with carol registered to transfer it to.
    private func srtpCallForTransfer(_ pbx: PBXHarness) async throws -> (PBXHarness.Established, SRTPKeyMaterial) {
        try await deskSpeaksSRTP(.mandatory, pbx)
        try await pbx.register(Cast.carol)
        let deskKey = SRTPKeyMaterial.random()
        let call = try await pbx.establish(
            from: alice, to: desk, callerOffer: secure(alice.sdp()),
            calleeAnswer: secure(
                desk.sdp(port: 4002), crypto: ["a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(deskKey.base64)"]))
        try await pbx.settle(via: alice)
        return (call, deskKey)
    }

    @Test(
        "the caller of an SRTP call transfers it (the parties change places): the kept phone's keys stay on its side, the transferor's side takes the target's"
    )
    func callerTransfers() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let carol = Cast.carol
            let (call, deskKey) = try await srtpCallForTransfer(pbx)
            let id = try #require(await pbx.core.callSnapshots().first?.id)
            #expect(await pbx.core.transfer(callID: id, to: carol.number, keepingCallee: true) == .started)
            let invite = try await pbx.outbound.request(.invite, to: carol.address)
            #expect(!String(decoding: invite.body, as: UTF8.self).contains("crypto"))
            pbx.send(
                carol.respond(to: invite, status: 200, toTag: "carol-tag", sdp: carol.sdp(port: 4030)), from: carol)
            _ = try await pbx.outbound.request(.bye, to: alice.address)
            // The relay's sides are physical: A was Alice's (now Carol's, plain), B the desk's.
            let terminations = call.session.srtpTerminations
            #expect(terminations.last?.side == .a && terminations.last?.keys == nil, "\(terminations)")
            #expect(terminations.filter { $0.side == .b }.map { $0.keys?.fromPhone.master } == [deskKey])
        }
    }

    @Test(
        "a transfer of an SRTP call whose target sent early media and then refused: the transferor's keys are given back to its side"
    )
    func failedTransferRestoresKeys() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let carol = Cast.carol
            let (call, deskKey) = try await srtpCallForTransfer(pbx)
            let id = try #require(await pbx.core.callSnapshots().first?.id)
            #expect(await pbx.core.transfer(callID: id, to: carol.number) == .started)
            let invite = try await pbx.outbound.request(.invite, to: carol.address)
            pbx.send(
                carol.respond(to: invite, status: 183, toTag: "carol-tag", sdp: carol.sdp(port: 4030)), from: carol)
            try await eventually("the early answer read") { call.session.srtpTerminations.last?.keys == nil }
            pbx.send(carol.respond(to: invite, status: 486, toTag: "carol-tag"), from: carol)
            try await eventually("the desk's keys back on side B") {
                call.session.srtpTerminations.last.map { $0.side == .b && $0.keys?.fromPhone.master == deskKey } == true
            }
        }
    }

    @Test(
        "to a phone of an extension without SRTP (the default) the caller's SRTP is terminated: the desk gets plain RTP, the caller the engine's key"
    )
    func phoneWithoutSRTP() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let call = try await pbx.establish(from: alice, to: desk, callerOffer: secure(alice.sdp()))
            let invite = try #require(pbx.outbound.sent.first { $0.isRequest(.invite, to: desk.address) }?.request)
            let offered = String(decoding: invite.body, as: UTF8.self)
            #expect(!offered.contains("crypto") && offered.contains("RTP/AVP"), "\(offered)")
            let callerOK = try #require(
                pbx.outbound.sent.last { $0.isResponse(200, .invite, to: alice.address) }?.response)
            let line = try crypto(of: callerOK.body)
            #expect(line.tag == 3 && line.simpleInlineKey != Self.aliceKey.base64[...])
            #expect(call.session.srtpTerminations.map(\.side) == [.a])
        }
    }

    @Test(
        "to a phone whose SRTP is optional, a mandatory caller's SRTP is terminated and the desk offered RTP/AVP with the engine's key; both sides terminated once it answers with its own"
    )
    func optionalPhoneMandatoryCaller() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await deskSpeaksSRTP(.optional, pbx)
            let deskKey = SRTPKeyMaterial.random()
            let answer = desk.sdp(port: 4002).replacingOccurrences(
                of: "a=sendrecv", with: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(deskKey.base64)\r\na=sendrecv")
            let call = try await pbx.establish(
                from: alice, to: desk, callerOffer: secure(alice.sdp()), calleeAnswer: answer)
            let invite = try #require(pbx.outbound.sent.first { $0.isRequest(.invite, to: desk.address) }?.request)
            #expect(String(decoding: invite.body, as: UTF8.self).contains("RTP/AVP"))
            #expect(try crypto(of: invite.body).simpleInlineKey != Self.aliceKey.base64[...])
            #expect(call.session.srtpTerminations.map(\.side) == [.a, .b])
            #expect(call.session.srtpTerminations.last?.keys?.fromPhone.master == deskKey)
        }
    }
}
