import Foundation
import Testing
import VPBXPBX
import VPBXSDP
import VPBXSIP

/// Which codecs each leg is offered: the caller's choice passes through a direct call (the
/// relay does not touch the audio), with the other G.711 law added when the caller has only
/// one (the relay converts if the callee takes it), and once the caller has agreed a codec
/// (with an application that answered it), every later leg is offered that one first.
@Suite("Calls: codecs", .timeLimit(.minutes(1)))
struct CodecTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let carol = Cast.carol

    /// PCMA only: what an application (a menu) answers a caller offering "0 8 101" with.
    static func pcmaAnswer(host: String, port: Int) -> String {
        [
            "v=0", "o=- 3 3 IN IP4 \(host)", "s=-", "c=IN IP4 \(host)", "t=0 0",
            "m=audio \(port) RTP/AVP 8 101", "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-16", "a=sendrecv", "",
        ].joined(separator: "\r\n")
    }

    /// The encodings of the first audio stream of an INVITE's offer.
    static func offeredEncodings(_ invite: SIPRequest) throws -> [String] {
        let offer = try #require(SampleSDP.parse(invite.body))
        let index = try #require(offer.firstAudioIndex)
        return offer.media[index].codecs.map { $0.encodingName.uppercased() }
    }

    @Test("handed on after agreeing PCMA with the first callee, the caller's next leg is offered PCMA first, PCMU only as the law to convert")
    func handOnKeepsTheAgreedCodec() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            // alice offers PCMU first; the first callee (standing in for a menu) answers PCMA.
            let call = try await pbx.establish(
                from: alice, to: desk, calleeAnswer: Self.pcmaAnswer(host: desk.address.host, port: 4002))
            #expect(await pbx.core.handOn(callID: call.callee.callID, to: .extension(carol.number), step: "test"))
            let invite = try await pbx.outbound.request(.invite, to: carol.address)
            #expect(try Self.offeredEncodings(invite) == ["PCMA", "TELEPHONE-EVENT", "PCMU"])
            // Carol takes µ-law: the caller keeps the A-law it agreed, and the relay converts.
            pbx.send(carol.respond(to: invite, status: 200, toTag: "carol-tag", sdp: Self.pcmuAnswer(host: carol.address.host, port: 4004)), from: carol)
            let session = try await pbx.media.onlySession()
            let bridge = try await eventually("the bridge asked for") { session.bridges.last?.flatMap { $0.awaitsAnswer ? nil : $0 } }
            #expect(bridge.caller.encodingName == "PCMA" && bridge.callee.payloadType == 0)
        }
    }

    /// PCMU only, with events: what a µ-law-only phone answers.
    static func pcmuAnswer(host: String, port: Int) -> String {
        [
            "v=0", "o=- 6 6 IN IP4 \(host)", "s=-", "c=IN IP4 \(host)", "t=0 0",
            "m=audio \(port) RTP/AVP 0 96", "a=rtpmap:0 PCMU/8000", "a=rtpmap:96 telephone-event/8000",
            "a=fmtp:96 0-16", "a=sendrecv", "",
        ].joined(separator: "\r\n")
    }

    /// PCMA only, with events under 101: an A-law-only phone's offer.
    static func pcmaOffer(host: String, port: Int) -> String {
        [
            "v=0", "o=- 7 7 IN IP4 \(host)", "s=-", "c=IN IP4 \(host)", "t=0 0",
            "m=audio \(port) RTP/AVP 8 101", "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-15", "a=sendrecv", "",
        ].joined(separator: "\r\n")
    }

    @Test("an A-law-only caller and a µ-law-only callee: the callee is offered PCMU too, the caller answered in PCMA, the relay converts")
    func bridgesTheTwoLaws() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: Self.pcmaOffer(host: alice.address.host, port: 4000))
            let invite = try await pbx.outbound.request(.invite, to: desk.address)
            #expect(try Self.offeredEncodings(invite) == ["PCMA", "TELEPHONE-EVENT", "PCMU"])
            // Before the callee has its INVITE, the relay converts the µ-law it may send with
            // its answer (only that: the caller's packets wait for the answer).
            let session = try await pbx.media.onlySession()
            let early = try #require(session.bridges.first ?? nil)
            #expect(session.bridges.count == 1 && early.awaitsAnswer)
            #expect(early.caller.payloadType == 8 && early.callee == RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000))
            #expect(early.callerEvents == nil && early.calleeEvents == nil)
            pbx.send(
                desk.respond(to: invite, status: 200, toTag: "callee-tag", sdp: Self.pcmuAnswer(host: desk.address.host, port: 4002)),
                from: desk)
            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            let answer = try #require(SampleSDP.parse(ok.body))
            let audio = try #require(answer.firstAudioIndex.map { answer.media[$0] })
            // The caller's own law and event payload type, on the engine's A port.
            #expect(audio.formats == ["8", "101"])
            #expect(audio.codecs.map { $0.encodingName.uppercased() } == ["PCMA", "TELEPHONE-EVENT"])
            #expect(audio.port == FakeMediaFactory.aPort)
            let bridge = try #require(session.bridges.last ?? nil)
            #expect(session.bridges.count == 2 && !bridge.awaitsAnswer)
            #expect(bridge.caller.payloadType == 8 && bridge.callee.payloadType == 0)
            #expect(bridge.callerEvents?.payloadType == 101 && bridge.calleeEvents?.payloadType == 96)
        }
    }

    @Test("the engine's own applications (a mailbox) are offered the caller's offer as it is: they speak both laws")
    func applicationsGetTheOfferAsItIs() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            _ = try await pbx.placeCall(from: alice, to: "*97", sdp: Self.pcmaOffer(host: alice.address.host, port: 4000))
            let invite = try await pbx.outbound.request(.invite, to: Application.peer)
            #expect(try Self.offeredEncodings(invite) == ["PCMA", "TELEPHONE-EVENT"])
        }
    }

    @Test("a bridged call's callee re-INVITEs in µ-law: the caller is offered both laws and answers A-law, the callee gets its own µ-law back, the bridge stays")
    func reInviteKeepsTheBridge() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(
                from: alice, to: desk, callerOffer: Self.pcmaOffer(host: alice.address.host, port: 4000),
                calleeAnswer: Self.pcmuAnswer(host: desk.address.host, port: 4002))
            let bridge = try await eventually("the bridge asked for") {
                call.session.bridges.last?.flatMap { $0.awaitsAnswer ? nil : $0 }
            }
            let bridges = call.session.bridges

            pbx.send(call.callee.request(.invite, sdp: Self.pcmuAnswer(host: desk.address.host, port: 4010)), from: desk)
            let relayed = try await pbx.outbound.request(.invite, to: alice.address)
            #expect(try Self.offeredEncodings(relayed) == ["PCMU", "TELEPHONE-EVENT", "PCMA"])
            pbx.send(alice.respond(to: relayed, status: 200, toTag: "unused", sdp: Self.pcmaAnswer(host: alice.address.host, port: 4000)), from: alice)
            _ = try await pbx.outbound.request(.ack, to: alice.address)
            let ok = try await pbx.outbound.response(200, .invite, to: desk.address)
            let answer = try #require(SampleSDP.parse(ok.body))
            #expect(answer.media[0].formats == ["0", "96"], "the callee's own law and event type")
            // Seen from the callee's offer the bridge is reversed; the call's stays caller to callee.
            try await pbx.settle(via: desk)
            #expect(call.session.bridges == bridges && bridges.last == bridge)
        }
    }

    @Test("a callee answering in the caller's own law: nothing more to convert; the conversion set before the answer stays, touching only µ-law it never sends")
    func noBridgeWhenTheLawsAgree() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: Self.pcmaOffer(host: alice.address.host, port: 4000))
            let invite = try await pbx.outbound.request(.invite, to: desk.address)
            pbx.send(
                desk.respond(to: invite, status: 200, toTag: "callee-tag", sdp: Self.pcmaAnswer(host: desk.address.host, port: 4002)),
                from: desk)
            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            #expect(try #require(SampleSDP.parse(ok.body)).firstAudioIndex != nil)
            let bridges = try await pbx.media.onlySession().bridges
            #expect(bridges.count == 1 && bridges.first??.awaitsAnswer == true)
        }
    }

    @Test("a caller offering both laws gets no conversion; one that re-offers both after an answer in its own law has the early one taken back")
    func conversionBeforeTheAnswerOnlyForOneLaw() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var call = try await pbx.establish(
                from: alice, to: desk, callerOffer: Self.pcmaOffer(host: alice.address.host, port: 4000),
                calleeAnswer: Self.pcmaAnswer(host: desk.address.host, port: 4002))
            #expect(call.session.bridges.count == 1)
            // alice's re-INVITE offers both laws: a µ-law packet from the callee would now be
            // the caller's own codec, so nothing may convert it.
            pbx.send(call.caller.request(.invite, sdp: SampleSDP.body(host: alice.address.host, port: 4000)), from: alice)
            let relayed = try await pbx.outbound.request(.invite, to: desk.address)
            pbx.send(desk.respond(to: relayed, status: 200, toTag: "unused", sdp: Self.pcmaAnswer(host: desk.address.host, port: 4002)), from: desk)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            try await eventually("the early conversion taken back") { call.session.bridges.count == 2 ? true : nil }
            #expect(call.session.bridges.last == .some(nil))
        }
        try await PBXHarness.run(Cast.everyone) { pbx in
            let call = try await pbx.establish(from: alice, to: desk)
            #expect(call.session.bridges.isEmpty)
        }
    }

    /// G.722 first, then G.711 and events: an HD desk phone's offer.
    static func hdOffer(host: String, port: Int) -> String {
        [
            "v=0", "o=- 4 4 IN IP4 \(host)", "s=-", "c=IN IP4 \(host)", "t=0 0",
            "m=audio \(port) RTP/AVP 9 8 0 101", "a=rtpmap:9 G722/8000", "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=sendrecv", "",
        ].joined(separator: "\r\n")
    }

    @Test("a direct call passes the caller's codecs through in its order (G.722 first), and the callee's G.722 answer back")
    func passThrough() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: Self.hdOffer(host: alice.address.host, port: 4000))
            let invite = try await pbx.outbound.request(.invite, to: desk.address)
            #expect(try Self.offeredEncodings(invite) == ["G722", "PCMA", "PCMU", "TELEPHONE-EVENT"])
            #expect(SampleSDP.endpoint(of: invite)?.port == FakeMediaFactory.bPort)
            pbx.send(
                desk.respond(to: invite, status: 200, toTag: "callee-tag", sdp: SampleSDP.g722(host: desk.address.host, port: 4002)),
                from: desk)
            let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
            let answer = try #require(SampleSDP.parse(ok.body))
            let audio = try #require(answer.firstAudioIndex.map { answer.media[$0] })
            #expect(audio.codecs.first?.encodingName == "G722")
            #expect(audio.port == FakeMediaFactory.aPort)
        }
    }

    @Test("an offer whose audio is telephone-event alone carries no voice: 488")
    func noVoice() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            let eventsOnly = [
                "v=0", "o=- 5 5 IN IP4 192.0.2.10", "s=-", "c=IN IP4 192.0.2.10", "t=0 0",
                "m=audio 4000 RTP/AVP 101", "a=rtpmap:101 telephone-event/8000", "",
            ].joined(separator: "\r\n")
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: eventsOnly)
            _ = try await pbx.outbound.response(488, .invite, to: alice.address)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.invite, to: desk.address) } == 0)
        }
    }
}
