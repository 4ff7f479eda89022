import Foundation
import Testing
import VPBXControl
import VPBXMedia
import VPBXRTP

extension Integration {
    /// Calls between two extensions: 1001 (a sipp caller with digest credentials) calls
    /// 1002, a sipp phone reached through its static contact.
    @Suite("Calls")
    struct CallTests {
        /// Adds 1001 and 1002 (static contact: `callee`), and the caller peer for `scenario`.
        private func setUp(_ pbx: TestPBX, callee: SippPeer, caller scenario: Scenario, noAnswerTimeout: Int? = nil)
            async throws -> SippPeer
        {
            try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
            try await pbx.addExtension(
                Fixture.callee, password: Fixture.password(Fixture.callee), noAnswerTimeout: noAnswerTimeout,
                staticContact: pbx.contact(of: callee, number: Fixture.callee))
            return try pbx.phone(scenario).service(Fixture.callee).caller(Fixture.caller)
                .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
        }

        /// `caller` (a scenario of the calling extension's) calls the callee's sipp through
        /// the engine; both must play their scenarios through.
        private func completedCall(_ pbx: TestPBX, callee: SippPeer, caller scenario: Scenario, noAnswerTimeout: Int? = nil)
            async throws -> (caller: SippResult, callee: SippResult)
        {
            let caller = try await setUp(pbx, callee: callee, caller: scenario, noAnswerTimeout: noAnswerTimeout)
            let results = try await pbx.call(caller: caller, callee: callee)
            try results.caller.requireSuccess()
            try results.callee.requireSuccess()
            return results
        }

        /// A call whose phones play and hear RTP through test ears (sipp's `rtp_listen`): the
        /// callee's sipp started and listening, then the caller's.
        private func startWithEars(_ pbx: TestPBX, callee calleeScenario: Scenario, caller callerScenario: Scenario)
            async throws -> CallWithEars
        {
            let callerEar = try RTPCapture()
            let calleeEar = try RTPCapture()
            let callee = try SippPeer(calleeScenario).key("rtp_listen", String(calleeEar.port))
            let caller = try await setUp(pbx, callee: callee, caller: callerScenario)
                .key("rtp_listen", String(callerEar.port))
            let calleeProcess = try pbx.start(callee, name: "callee")
            try await Task.sleep(for: .milliseconds(300))
            try await calleeProcess.requireListening()
            let callerProcess = try pbx.start(caller, name: "caller")
            return CallWithEars(
                callerEar: callerEar, calleeEar: calleeEar, callerProcess: callerProcess, calleeProcess: calleeProcess)
        }

        /// Waits, while `caller` runs, until both legs of the call have counted RTP packets in
        /// and out (the callee echoes what the caller plays).
        private func awaitRTPBothWays(_ pbx: TestPBX, while caller: SippProcess) async throws {
            try await eventually(
                "RTP packets in and out on both legs in 'vpbx call list --json'", timeout: .seconds(15)
            ) {
                guard caller.isRunning else { throw StopWaiting(reason: "the caller's sipp has ended") }
                let calls = try await pbx.liveCalls()
                guard let call = calls.first, let legs = call.legs, legs.count >= 2 else {
                    throw HarnessError("no call with two legs yet: \(calls)")
                }
                if legs.allSatisfy({ $0.rtpPacketsIn == nil && $0.rtpPacketsOut == nil }) {
                    let raw = try await pbx.liveCallsThroughRPC()
                    let engineCounts = raw.contains { $0.legs?.contains { $0.rtpPacketsIn != nil } ?? false }
                    throw HarnessError(
                        engineCounts
                            ? "the engine reports rtpPacketsIn/rtpPacketsOut (vpbx rpc call.list) but 'vpbx call list --json' "
                                + "drops them: add them to CallLegInfo in VPBXControl"
                            : "no leg carries rtpPacketsIn/rtpPacketsOut, neither in 'vpbx call list --json' nor in call.list: \(raw)"
                    )
                }
                let flowing = legs.allSatisfy { ($0.rtpPacketsIn ?? 0) > 0 && ($0.rtpPacketsOut ?? 0) > 0 }
                guard flowing else { throw HarnessError("legs without RTP both ways: \(legs)") }
                return true
            }
        }

        /// Runs a call in which the caller plays audio and `callee` echoes it, checking while it
        /// is up that RTP flows both ways on both legs; both sipp runs must succeed.
        private func talkingCall(_ pbx: TestPBX, caller: SippPeer, callee: SippPeer) async throws
            -> (caller: SippResult, callee: SippResult)
        {
            let calleeProcess = try pbx.start(callee, name: "callee")
            try await Task.sleep(for: .milliseconds(300))
            try await calleeProcess.requireListening()
            let callerProcess = try pbx.start(caller, name: "caller")
            try await awaitRTPBothWays(pbx, while: callerProcess)
            let callerResult = await callerProcess.finish()
            try callerResult.requireSuccess()
            let calleeResult = await calleeProcess.finish()
            try calleeResult.requireSuccess()
            return (callerResult, calleeResult)
        }

        /// Anchoring: each SDP (named by where it went) names the engine's RTP address and a
        /// port from its range.
        private func expectAnchored(_ pbx: TestPBX, _ bodies: [(side: String, message: String)]) throws {
            for (side, message) in bodies {
                let endpoint = try #require(SippMessageLog.audioEndpoint(in: message), "no c=/m=audio in the \(side)")
                #expect(endpoint.address == pbx.options.rtpAddress, "\(side): c= is not the engine's --rtp-address")
                #expect(pbx.options.rtpPorts.contains(endpoint.port), "\(side): m=audio port not in --rtp-ports")
            }
        }

        @Test("answered call: 407 digest, RTP anchored and relayed both ways, CDR answered with billable time")
        func answeredCall() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answer).echoingRTP()
                let caller = try await setUp(pbx, callee: callee, caller: .callHangup)
                // The caller plays audio for 5 s; the callee echoes it. While the call is up,
                // both legs must have counted packets in and out.
                let (callerResult, calleeResult) = try await talkingCall(pbx, caller: caller, callee: callee)

                #expect(
                    callerResult.receivedMessages().contains { $0.hasPrefix("SIP/2.0 407") },
                    "the INVITE was not challenged")
                #expect(
                    callerResult.receivedMessages().contains { $0.hasPrefix("SIP/2.0 180") },
                    "180 Ringing was not relayed")
                let offer = try #require(calleeResult.receivedMessages().first { $0.hasPrefix("INVITE") })
                let answer = try #require(
                    callerResult.receivedMessages().first { $0.hasPrefix("SIP/2.0 200") && $0.contains("m=audio") })
                try expectAnchored(pbx, [("INVITE to the callee", offer), ("200 OK to the caller", answer)])

                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
                #expect(cdr.billableSeconds >= 1)
                #expect(cdr.hangupSide == .caller)
                #expect(try await pbx.liveCalls().isEmpty)
            }
        }

        /// A gateway whose answer is in its 183 and not in its 200 (RFC 3261 §13.2.1 has it
        /// repeated in the 2xx): the caller's 200 must still carry the engine's answer.
        @Test("a callee's 200 without SDP after its 183 with SDP: the caller's 200 carries the anchored answer, RTP both ways")
        func answerOnlyInEarlyMedia() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answerEarlyMediaBare200).echoingRTP()
                let caller = try await setUp(pbx, callee: callee, caller: .callHangup)
                let (callerResult, _) = try await talkingCall(pbx, caller: caller, callee: callee)
                let answer = try #require(
                    callerResult.receivedMessages().first { $0.hasPrefix("SIP/2.0 200") && $0.contains("INVITE") },
                    "no 200 to the INVITE")
                try expectAnchored(pbx, [("200 OK to the caller", answer)])
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
            }
        }

        /// A ringing phone's requests in its early dialog are the engine's to answer: an
        /// UPDATE without an offer 200, an INFO 491, neither reaching the caller.
        @Test("a ringing phone's UPDATE without an offer gets 200 and its INFO 491 before it answers; the call goes on")
        func ringingPhonesEarlyRequests() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answerEarlyUpdate)
                let (callerResult, _) = try await completedCall(pbx, callee: callee, caller: .callHangup)
                let relayed = callerResult.receivedMessages().filter { $0.hasPrefix("UPDATE") || $0.hasPrefix("INFO") }
                #expect(relayed.isEmpty, "an early-dialog request reached the caller")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
            }
        }

        /// RFC 3261 §8.2.2.3 against sipp: an INVITE requiring 100rel, which the engine does not
        /// implement, is refused 420 with Unsupported: 100rel; nothing rings.
        @Test("an INVITE requiring 100rel gets 420 Bad Extension with Unsupported: 100rel; the callee is not rung")
        func badExtension() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answer)
                let caller = try await setUp(pbx, callee: callee, caller: .callExpectBadExtension)
                let callerResult = await (try pbx.start(caller, name: "caller")).finish()
                try callerResult.requireSuccess()
                #expect(try await pbx.liveCalls().isEmpty)
                #expect(try await pbx.cdrs().isEmpty, "a refused extension is not a call attempt")
            }
        }

        /// A phone that does not register, configured by host name: the engine resolves it
        /// (here through /etc/hosts, so no DNS query leaves the machine) and rings its address.
        @Test("static contact by host name: sip:1002@localhost is resolved and rung, the call is answered")
        func staticContactByName() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answer).echoingRTP()
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: "sip:\(Fixture.callee)@localhost:\(callee.port)")
                let caller = try pbx.phone(.callHangup).service(Fixture.callee).caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let (callerResult, calleeResult) = try await pbx.call(caller: caller, callee: callee)
                try callerResult.requireSuccess()
                try calleeResult.requireSuccess()
                let invite = try #require(calleeResult.receivedMessages().first { $0.hasPrefix("INVITE") })
                #expect(invite.hasPrefix("INVITE sip:\(Fixture.callee)@localhost:\(callee.port)"), "Request-URI: \(invite.prefix(80))")
                #expect(try await pbx.cdr(from: Fixture.caller, to: Fixture.callee).disposition == .answered)
            }
        }

        /// RFC 3261 §13.2.1: an INVITE without SDP. The engine offers G.711 to the callee,
        /// the caller finds the offer in its 200 and answers in its ACK; audio flows through
        /// the engine both ways.
        @Test("late offer: the engine offers to the callee, the caller answers in its ACK, RTP relayed both ways")
        func lateOffer() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answer).echoingRTP()
                let caller = try await setUp(pbx, callee: callee, caller: .callLateOffer)
                let (callerResult, calleeResult) = try await talkingCall(pbx, caller: caller, callee: callee)

                let toCallee = try #require(calleeResult.receivedMessages().first { $0.hasPrefix("INVITE") })
                #expect(toCallee.contains("a=rtpmap:8 PCMA/8000") && toCallee.contains("a=rtpmap:0 PCMU/8000"))
                let offer = try #require(
                    callerResult.receivedMessages().first { $0.hasPrefix("SIP/2.0 200") && $0.contains("m=audio") },
                    "the 200 to the caller carries no offer")
                try expectAnchored(pbx, [("INVITE to the callee", toCallee), ("200 OK to the caller", offer)])
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
                #expect(cdr.hangupSide == .caller)
            }
        }

        @Test("callee hangs up: the caller gets the BYE, CDR hangupSide callee")
        func calleeHangsUp() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answerHangup).echoingRTP()
                _ = try await completedCall(pbx, callee: callee, caller: .callAwaitBye)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
                #expect(cdr.hangupSide == .callee)
            }
        }

        @Test("an A-law-only caller, a µ-law-only callee that talks before its answer is read: the caller gets its own A-law from the first packet on")
        func lawsBridgedFromTheFirstPacket() async throws {
            try await TestPBX.run { pbx in
                let call = try await startWithEars(pbx, callee: .answerMuLawHangup, caller: .callListenALaw)
                let (callerEar, calleeEar, callerProcess) = (call.callerEar, call.calleeEar, call.callerProcess)
                // The callee's phone talks µ-law from its ringing on, 1 s before its 200: the
                // relay has its packets before the engine has read the answer (which a phone
                // that talks as it answers does by a few milliseconds).
                let port = try await eventually("the callee's leg has the engine's media port", timeout: .seconds(10)) {
                    guard callerProcess.isRunning else { throw StopWaiting(reason: "the caller's sipp has ended") }
                    return try await pbx.liveCalls().first?.legs?.first { $0.id == "b1" }?.mediaPort
                }
                calleeEar.talk(frequency: 700, to: UInt16(port), law: .ulaw)
                try await call.finish()

                let packets = callerEar.receivedPackets
                // About 1 s ringing and 2 s answered, 50 packets a second.
                #expect(packets.count >= 100, "packets heard: \(packets.count)")
                let types = Set(packets.map(\.header.payloadType))
                #expect(types == [8], "payload types the A-law caller got: \(types.sorted())")
                // The callee's first packet (sequence 0), every sample converted.
                let first = try #require(packets.first { $0.header.sequenceNumber == 0 }, "the callee's first packet never came")
                let sent = RTPCapture.tone(frequency: 700).map { Int(G711.Law.ulaw.decode(G711.Law.ulaw.encode($0))) }
                let heard: [Int] = first.payload.map { Int(G711.Law.alaw.decode($0)) }
                // µ-law samples in A-law: within A-law's quantization step at that level.
                #expect(
                    heard.count == 160 && zip(heard, sent).allSatisfy { abs($0 - $1) <= 128 },
                    "first packet heard \(heard.prefix(6)), sent \(sent.prefix(6))")
                let samples = packets.flatMap(\.payload).map { G711.Law.alaw.decode($0) }
                let frequency = FrequencyEstimator.dominantFrequency(in: samples)
                #expect(abs(frequency - 700) < 10, "the caller heard \(frequency) Hz")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered && cdr.hangupSide == .callee)
            }
        }

        @Test("an A-law-only caller whose callee answers A-law: its voice reaches the callee as it sent it, through the conversion set before the answer")
        func sameLawPassesUnchanged() async throws {
            try await TestPBX.run { pbx in
                // The engine offered the callee µ-law too and told the relay to convert µ-law
                // the callee might send; the callee took A-law, so nothing the caller sends
                // may be converted.
                let call = try await startWithEars(pbx, callee: .answerListen, caller: .callListenALaw)
                let (callerEar, calleeEar, callerProcess) = (call.callerEar, call.calleeEar, call.callerProcess)
                let answered = try await eventually("the call answered", timeout: .seconds(10)) { () -> LiveCall? in
                    guard callerProcess.isRunning else { throw StopWaiting(reason: "the caller's sipp has ended") }
                    return try await pbx.liveCalls().first { $0.state == "answered" }
                }
                let port = try #require(answered.legs?.first { $0.id == "a" }?.mediaPort)
                callerEar.talk(frequency: 500, to: UInt16(port))
                try await Task.sleep(for: .seconds(1.5))
                try await pbx.cli.succeed(["call", "hangup", answered.id])
                try await call.finish()

                let packets = calleeEar.receivedPackets
                #expect(packets.count >= 50, "packets heard: \(packets.count)")
                let types = Set(packets.map(\.header.payloadType))
                #expect(types == [8], "payload types the A-law callee got: \(types.sorted())")
                // The caller's first packet byte for byte: nothing converted it.
                let first = try #require(packets.first { $0.header.sequenceNumber == 0 }, "the caller's first packet never came")
                let sent = RTPCapture.tone(frequency: 500).map(G711.Law.alaw.encode)
                #expect(first.payload == sent)
                let frequency = FrequencyEstimator.dominantFrequency(in: calleeEar.receivedAudio)
                #expect(abs(frequency - 500) < 10, "the callee heard \(frequency) Hz")
            }
        }

        @Test("busy callee: 486 passed back to the caller, CDR busy")
        func busy() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.busy)
                _ = try await completedCall(pbx, callee: callee, caller: .callExpectBusy)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .busy)
                #expect(cdr.billableSeconds == 0)
            }
        }

        /// Three busy calls, then the CLI's paging against the real engine: a limit below what
        /// matches says so, `--all` lists every call once in the search's order, and
        /// `cdr.search` with `olderThan` goes on after a record (a bad id is refused).
        @Test("call records page from the last one shown: --limit notes more, --all lists each call once")
        func callRecordsPage() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.busy)
                let caller = try await setUp(pbx, callee: callee, caller: .callExpectBusy)
                for _ in 0..<3 {
                    let (callerResult, calleeResult) = try await pbx.call(caller: caller, callee: callee)
                    try callerResult.requireSuccess()
                    try calleeResult.requireSuccess()
                }
                let all = try await eventually("three finished CDRs") {
                    let records = try await pbx.cdrs()
                    return records.count == 3 ? records : nil
                }
                #expect(all.map(\.startedAt) == all.map(\.startedAt).sorted(by: >))

                let newest = try await pbx.cli.run(["cdr", "search", "--limit", "1"])
                #expect(try newest.decode([CDRInfo].self).map(\.id) == [all[0].id])
                #expect(newest.stderr.contains("more calls match than the 1 shown"), "\(newest.summary)")

                let csv = try await pbx.cli.run(["cdr", "search", "--all", "--csv"], json: false)
                #expect(csv.succeeded && csv.stderr.isEmpty, "\(csv.summary)")
                let lines = csv.stdout.split(separator: "\n")
                #expect(lines.first?.hasPrefix("ID,STARTED") == true)
                #expect(lines.dropFirst().map { String($0.prefix { $0 != "," }) } == all.map(\.id))

                let cursor = CDRCursor(after: all[0])
                let params = String(decoding: try RPCCoding.makeEncoder().encode(CDRSearch.Params(limit: 1, olderThan: cursor)), as: UTF8.self)
                let next = try await pbx.cli.json([CDRInfo].self, ["rpc", "cdr.search", params])
                #expect(next.map(\.id) == [all[1].id])
                let bad = try await pbx.cli.run(
                    ["rpc", "cdr.search", #"{"olderThan":{"startedAt":"2026-01-01T00:00:00.000Z","id":"not-a-call"}}"#])
                #expect(bad.exitCode == 1 && bad.stderr.contains("invalid_argument"), "\(bad.summary)")
            }
        }

        /// The finished INVITE client transaction keeps only the ACK it sent (not the INVITE):
        /// a retransmitted 486 still gets that same ACK, and the caller hears of it once.
        @Test("busy callee retransmits its 486: the same ACK again, one 486 to the caller")
        func busyRetransmitted() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.busyRetransmit)
                let (callerResult, calleeResult) = try await completedCall(pbx, callee: callee, caller: .callExpectBusy)
                let acks = calleeResult.receivedMessages().filter { $0.hasPrefix("ACK") }
                #expect(acks.count == 2, "ACKs the callee received: \(acks)")
                #expect(Set(acks).count == 1, "the second ACK differs: \(acks)")
                #expect(callerResult.receivedMessages().filter { $0.hasPrefix("SIP/2.0 486") }.count == 1)
                #expect(try await pbx.cdr(from: Fixture.caller, to: Fixture.callee).disposition == .busy)
            }
        }

        /// An ended call keeps, for its answered leg, only the ACK (`EndedLeg`): a 200 the
        /// callee sends again after the call ended gets that same ACK, and no second BYE.
        @Test("callee resends its 200 after the call ended: the same ACK again, no second BYE")
        func answerRetransmittedAfterTheCallEnded() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answerRetransmitAfterBye).echoingRTP()
                let (_, calleeResult) = try await completedCall(pbx, callee: callee, caller: .callHangup)
                let received = calleeResult.receivedMessages()
                let acks = received.filter { $0.hasPrefix("ACK") }
                #expect(acks.count == 2, "ACKs the callee received: \(acks)")
                #expect(Set(acks).count == 1, "the second ACK differs: \(acks)")
                #expect(received.filter { $0.hasPrefix("BYE") }.count == 1)
                #expect(try await pbx.cdr(from: Fixture.caller, to: Fixture.callee).disposition == .answered)
            }
        }

        /// The 2xx to a re-INVITE the engine relayed, sent again as when the engine's ACK was
        /// lost: the same ACK again (during the call a phone without it would end the call
        /// 32 s later). sipp can send it again only after its BYE (see the scenario), when
        /// the same kept ACK answers it.
        @Test("callee resends its 200 to a relayed re-INVITE: the same ACK again")
        func reInviteAnswerRetransmitted() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answerReInviteResendHangup)
                let (_, calleeResult) = try await completedCall(pbx, callee: callee, caller: .callReInviteAwaitBye)
                let acks = calleeResult.receivedMessages().filter { $0.hasPrefix("ACK") && $0.contains("CSeq: 2 ACK") }
                #expect(acks.count == 2, "the re-INVITE's ACKs the callee received: \(acks)")
                #expect(Set(acks).count == 1, "the second ACK differs: \(acks)")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
                #expect(cdr.hangupSide == .callee)
            }
        }

        /// Glare (RFC 3261 §14.2): the callee's re-INVITE crosses the caller's, which the engine
        /// relayed and waits on. The engine answers it 491 itself; relaying it to the caller,
        /// as it did, sent a second re-INVITE into a dialog with one pending (the caller's
        /// scenario fails on any INVITE it did not send).
        @Test("glare: the callee's re-INVITE crossing the caller's relayed one gets 491 from the engine; the first goes through")
        func reInviteGlare() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answerReInviteGlareHangup)
                let (callerResult, _) = try await completedCall(pbx, callee: callee, caller: .callReInviteAwaitBye)
                #expect(!callerResult.receivedMessages().contains { $0.hasPrefix("INVITE") })
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
                #expect(cdr.hangupSide == .callee)
            }
        }

        /// RFC 6141 §3.4: a re-INVITE's Contact moves the phone's target only with a 2xx. The
        /// callee's re-INVITE names port 9 and the caller refuses it (488); the BYE of the
        /// caller's hang-up must then name the Contact the callee answered with (its
        /// Request-URI, which the callee's sipp checks). Moved on receipt, as before stop 44,
        /// it named port 9.
        @Test("a refused re-INVITE does not move the phone's target: the caller's hang-up reaches the callee's Contact from its answer")
        func refusedReInviteKeepsTheTarget() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answerReInviteRefusedAwaitBye)
                let (callerResult, calleeResult) = try await completedCall(pbx, callee: callee, caller: .callRefuseReInviteHangup)
                #expect(callerResult.receivedMessages().contains { $0.hasPrefix("INVITE") }, "the re-INVITE was not relayed")
                #expect(calleeResult.receivedMessages().contains { $0.hasPrefix("SIP/2.0 488") })
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.hangupSide == .caller)
            }
        }

        /// A second 2xx to the engine's one INVITE, with another To tag: a second dialog
        /// (forked behind the contact). The engine ACKs and ends it, and the call goes on in
        /// the first; before, that 2xx got the first dialog's ACK and no BYE.
        @Test("a callee answering one INVITE twice with different tags: the second dialog gets its ACK and BYE, the call goes on")
        func secondDialogFromOneInvite() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answerForkTwice)
                _ = try await completedCall(pbx, callee: callee, caller: .callHangup)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
                #expect(cdr.hangupSide == .caller)
            }
        }

        /// The BYE's server transaction keeps its 200 as bytes for timer J (`SerializedSIPMessage`):
        /// a BYE sent again gets those same bytes, and the callee hears of the hang-up once.
        @Test("caller sends its BYE again: the same 200 again, one BYE to the callee")
        func byeRetransmitted() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answer)  // no audio in this call: nothing to echo
                let (callerResult, calleeResult) = try await completedCall(pbx, callee: callee, caller: .callHangupResendBye)
                let byeAnswers = callerResult.receivedMessages().filter { message in
                    message.hasPrefix("SIP/2.0 200")
                        && message.split(whereSeparator: \.isNewline).contains { $0.hasPrefix("CSeq:") && $0.hasSuffix(" BYE") }
                }
                #expect(byeAnswers.count == 2, "200s to the BYE the caller received: \(byeAnswers)")
                #expect(Set(byeAnswers).count == 1, "the second 200 differs: \(byeAnswers)")
                #expect(calleeResult.receivedMessages().filter { $0.hasPrefix("BYE") }.count == 1)
                #expect(try await pbx.cdr(from: Fixture.caller, to: Fixture.callee).hangupSide == .caller)
            }
        }

        /// The engine's RTP timeout (2 s here) is shorter than the ringing: a ringing call has
        /// no media, and only its no-answer timeout ends it (it was ended at 2 s with cause
        /// `rtp_timeout` before the timeout waited for the answer).
        @Test("no answer within the extension's 5 s timeout, past a 2 s RTP timeout: callee cancelled, caller gets 480, CDR no_answer")
        func noAnswer() async throws {
            try await TestPBX.run(configure: { $0.rtpTimeout = 2 }) { pbx in
                let callee = try SippPeer(.ring)
                _ = try await completedCall(pbx, callee: callee, caller: .callExpectUnavailable, noAnswerTimeout: 5)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .noAnswer)
                #expect(cdr.cause != "rtp_timeout")
                #expect(cdr.durationSeconds >= 5, "rang \(cdr.durationSeconds) s")
                #expect(cdr.billableSeconds == 0)
            }
        }

        /// The other half of the RTP timeout, with a real engine: counted from the answer, kept
        /// off by media flowing (the caller's 7 s recording, echoed back by the callee), and
        /// ending the call once the media stops.
        @Test("an answered call outlives a 2 s RTP timeout while RTP flows both ways, and ends 2 s after it stops: BYE to both, CDR rtp_timeout")
        func rtpTimeoutEndsAnAnsweredCallOnceItsMediaStops() async throws {
            try await TestPBX.run(configure: { $0.rtpTimeout = 2 }) { pbx in
                let callee = try SippPeer(.answer).echoingRTP()
                _ = try await completedCall(pbx, callee: callee, caller: .callAwaitBye)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
                #expect(cdr.cause == "rtp_timeout")
                #expect(cdr.hangupSide == .system)
                #expect(cdr.billableSeconds >= 7, "answered for \(cdr.billableSeconds) s, the RTP lasting 7 s")
            }
        }

        /// Each phone is timed on its own silence, as Asterisk's `rtptimeout` times each
        /// channel: a callee whose phone sends nothing (gone without a BYE) ends the call
        /// although the caller talks on. It lasted the caller's 7 s while either side counted.
        @Test("a callee that sends no RTP ends the call after a 2 s RTP timeout although the caller's RTP flows: CDR rtp_timeout")
        func rtpTimeoutEndsACallWhoseCalleeFellSilent() async throws {
            try await TestPBX.run(configure: { $0.rtpTimeout = 2 }) { pbx in
                let callee = try SippPeer(.answer)
                _ = try await completedCall(pbx, callee: callee, caller: .callAwaitBye)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
                #expect(cdr.cause == "rtp_timeout")
                #expect(cdr.hangupSide == .system)
                #expect(cdr.billableSeconds >= 1 && cdr.billableSeconds <= 5, "answered for \(cdr.billableSeconds) s, the timeout 2 s")
            }
        }

        @Test("caller cancels while ringing: 487 to the caller, callee cancelled, CDR cancelled")
        func cancelled() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.ring)
                let (_, calleeResult) = try await completedCall(pbx, callee: callee, caller: .callCancel)
                let cancel = try #require(calleeResult.receivedMessages().first { $0.hasPrefix("CANCEL") })
                #expect(!cancel.contains("Reason:"), "a call the caller gave up is a missed call")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .cancelled)
                #expect(cdr.hangupSide == .caller)
            }
        }

        @Test("caller ends its early dialog with BYE while ringing: 200 to the BYE, 487 to the INVITE, callee cancelled, CDR cancelled")
        func byeInTheEarlyDialog() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.ring)
                _ = try await completedCall(pbx, callee: callee, caller: .callEarlyBye)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .cancelled)
                #expect(cdr.hangupSide == .caller)
            }
        }
    }
}
