import Foundation
import Testing
@testable import VPBXPBX
import VPBXSIP
import VPBXStore

/// Calls that never get answered: busy, nobody registered, unknown number, caller gives up,
/// nobody picks up.
@Suite("Calls: unanswered", .timeLimit(.minutes(1)))
struct CallFailureTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk

    @Test("the only contact busy: the caller gets 486 and the CDR says busy")
    func busy() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 486, toTag: "desk-tag"), from: desk)
            _ = try await pbx.outbound.request(.ack, to: desk.address)
            let busy = try await pbx.outbound.response(486, .invite, to: alice.address)
            pbx.send(alice.ack(failure: busy, of: ringing.callerInvite), from: alice)

            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .busy)
            #expect(cdr.hangupSide == .callee)
            #expect(cdr.cause?.hasPrefix("486") == true)
        }
    }

    /// The engine is a B2BUA: what the phone said about the engine's own INVITE is no fault of
    /// the caller's; the phone's answers to the call itself pass through.
    @Test(
        "a callee's failure reaches the caller as its answer to the call, or as 480 when it was about the engine's request",
        arguments: [
            (400, 480), (405, 480), (420, 480), (422, 480), (481, 480), (491, 480), (404, 480), (500, 480),
            (403, 403), (488, 488), (603, 603), (600, 600),
        ])
    func calleeFailureAsTheCallerHearsIt(calleeStatus: Int, callerStatus: Int) async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: calleeStatus, toTag: "desk-tag"), from: desk)
            let final = try await pbx.outbound.response(callerStatus, .invite, to: alice.address)
            pbx.send(alice.ack(failure: final, of: ringing.callerInvite), from: alice)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == (calleeStatus == 600 ? .busy : .failed))
            #expect(cdr.cause?.hasPrefix(String(calleeStatus)) == true, "the CDR keeps what the phone said")
        }
    }

    /// Neither Contact names an extension here (RedirectionTests has those the engine follows).
    @Test("a callee's redirection the engine cannot follow reaches the caller with its Contacts; one without any is a 480")
    func redirection() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            var moved = desk.respond(to: ringing.calleeInvites[0], status: 302, toTag: "desk-tag")
            moved.headers.add("Contact", "<sip:1002@pbx.example.com>;q=0.9, <sip:+36301234567@pbx.example.com>;q=0.5")
            pbx.send(moved, from: desk)
            let redirected = try await pbx.outbound.response(302, .invite, to: alice.address)
            #expect(redirected.headers.values("Contact") == ["<sip:1002@pbx.example.com>;q=0.9", "<sip:+36301234567@pbx.example.com>;q=0.5"])
            pbx.send(alice.ack(failure: redirected, of: ringing.callerInvite), from: alice)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .failed)
            #expect(cdr.cause?.hasPrefix("302") == true)
        }
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 302, toTag: "desk-tag"), from: desk)
            let unavailable = try await pbx.outbound.response(480, .invite, to: alice.address)
            #expect(unavailable.headers.values("Contact").isEmpty)
        }
    }

    @Test("an extension with no registered phone: 480 and a failed CDR")
    func noContacts() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            _ = try await pbx.placeCall(from: alice, to: Cast.carol.number, sdp: alice.sdp())
            _ = try await pbx.outbound.response(480, .invite, to: alice.address)
            let cdr = try await pbx.finishedCDR(of: Cast.carol.number)
            #expect(cdr.disposition == .failed)
            #expect(cdr.caller == alice.number)
            #expect(pbx.media.all.isEmpty)
        }
    }

    @Test("an unknown number: 404 and a failed CDR")
    func unknownNumber() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            _ = try await pbx.placeCall(from: alice, to: "999", sdp: alice.sdp())
            _ = try await pbx.outbound.response(404, .invite, to: alice.address)
            let cdr = try await pbx.finishedCDR(of: "999")
            #expect(cdr.disposition == .failed)
            #expect(cdr.cause?.hasPrefix("404") == true)
        }
    }

    @Test("CANCEL from the caller: 200 for the CANCEL, 487 for the INVITE, CANCEL to the callee")
    func callerCancels() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 180, toTag: "desk-tag"), from: desk)
            _ = try await pbx.outbound.response(180, .invite, to: alice.address)

            pbx.send(alice.cancel(ringing.callerInvite), from: alice)
            _ = try await pbx.outbound.response(200, .cancel, to: alice.address)
            let terminated = try await pbx.outbound.response(487, .invite, to: alice.address)
            pbx.send(alice.ack(failure: terminated, of: ringing.callerInvite), from: alice)
            let cancel = try await pbx.outbound.request(.cancel, to: desk.address)
            pbx.send(desk.respond(to: cancel, status: 200, toTag: "desk-tag"), from: desk)
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 487, toTag: "desk-tag"), from: desk)
            _ = try await pbx.outbound.request(.ack, to: desk.address)

            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .cancelled)
            #expect(cdr.hangupSide == .caller)
            try await eventually("media closed") { try await pbx.media.onlySession().isClosed }
        }
    }

    @Test("CANCEL from the caller before the callee sent anything: the callee's CANCEL waits for its provisional", arguments: [100, 180])
    func callerCancelsEarly(provisional: Int) async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(alice.cancel(ringing.callerInvite), from: alice)
            _ = try await pbx.outbound.response(487, .invite, to: alice.address)
            try await pbx.settle(via: alice)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.cancel, to: desk.address) } == 0)

            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: provisional, toTag: "desk-tag"), from: desk)
            _ = try await pbx.outbound.request(.cancel, to: desk.address)
            #expect(try await pbx.finishedCDR(of: alice.number).disposition == .cancelled)
        }
    }

    /// After the call ended only a trimmed copy of each callee leg is kept for late responses
    /// (request line, Via, From, To, Call-ID, CSeq, Route): enough for a proper CANCEL, and for
    /// the ACK and BYE a 2xx crossing the CANCEL needs.
    @Test("a callee answering after the caller cancelled gets ACK and BYE in the INVITE's dialog; its CANCEL matches the INVITE")
    func calleeAnswersAfterTheCallEnded() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let ringing = try await pbx.dial(from: alice, to: [desk])
            let invite = ringing.calleeInvites[0]
            pbx.send(alice.cancel(ringing.callerInvite), from: alice)
            _ = try await pbx.outbound.response(487, .invite, to: alice.address)
            try await pbx.settle(via: alice)

            pbx.send(desk.respond(to: invite, status: 180, toTag: "desk-tag"), from: desk)
            let cancel = try await pbx.outbound.request(.cancel, to: desk.address)
            #expect(cancel.uri == invite.uri)
            #expect(try cancel.headers.topVia().branch == invite.headers.topVia().branch)
            #expect(cancel.headers.callID == invite.headers.callID)
            #expect(try cancel.headers.cseq() == CSeq(1, .cancel))

            pbx.send(desk.respond(to: invite, status: 200, toTag: "desk-tag", sdp: desk.sdp()), from: desk)
            let ack = try await pbx.outbound.request(.ack, to: desk.address)
            let bye = try await pbx.outbound.request(.bye, to: desk.address)
            for request in [ack, bye] {
                #expect(request.headers.callID == invite.headers.callID)
                #expect(try request.headers.from().tag == invite.headers.from().tag)
                #expect(try request.headers.to().tag == "desk-tag")
            }
            #expect(try ack.headers.cseq() == CSeq(1, .ack))
            #expect(try bye.headers.cseq().method == .bye)
        }
    }

    @Test("nobody answers: 480 after the extension's ring time, CANCEL to the phone, CDR no_answer")
    func noAnswer() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            // The store allows 5 s at least; the core takes a live change as is, which keeps
            // this test short.
            await pbx.core.extensionChanged(PBXHarness.extensionRecord(desk.number, password: desk.password, noAnswerTimeout: 1))
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 180, toTag: "desk-tag"), from: desk)

            let unavailable = try await pbx.outbound.response(480, .invite, to: alice.address, timeout: .seconds(5))
            pbx.send(alice.ack(failure: unavailable, of: ringing.callerInvite), from: alice)
            _ = try await pbx.outbound.request(.cancel, to: desk.address)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .noAnswer)
            #expect(cdr.hangupSide == .system)
        }
    }

    /// RFC 3261 §13.3.1.1: a call ringing longer than the refresh interval (a minute; 1 s here)
    /// repeats its provisional to the caller, so that a proxy in front does not cancel it.
    @Test("a call ringing past the refresh interval repeats its 180 to the caller, the same each time, until its no-answer timeout")
    func longRingingRepeatsTheProvisional() async throws {
        var configuration = PBXHarness.configuration
        configuration.provisionalRefreshInterval = .seconds(1)
        try await PBXHarness.run(Cast.everyone, configuration: configuration) { pbx in
            await pbx.core.extensionChanged(PBXHarness.extensionRecord(desk.number, password: desk.password, noAnswerTimeout: 3))
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 180, toTag: "desk-tag"), from: desk)
            let first = try await pbx.outbound.response(180, .invite, to: alice.address)

            let unavailable = try await pbx.outbound.response(480, .invite, to: alice.address, timeout: .seconds(10))
            let ringingToCaller = pbx.outbound.sent.compactMap(\.response).filter {
                $0.statusCode == 180 && $0.headers.callID == ringing.callerInvite.headers.callID
            }
            // Steps at 1 s and 2 s of a 3 s phase: two repeats, one if the machine delayed the
            // first step far enough; none without the refresh.
            #expect((2...3).contains(ringingToCaller.count), "180s to the caller: \(ringingToCaller.count)")
            #expect(ringingToCaller.allSatisfy { $0.serialized() == first.serialized() })
            pbx.send(alice.ack(failure: unavailable, of: ringing.callerInvite), from: alice)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .noAnswer)
        }
    }

    @Test("a call ringing no longer than the refresh interval sends its 180 once")
    func shortRingingSendsOneProvisional() async throws {
        var configuration = PBXHarness.configuration
        configuration.provisionalRefreshInterval = .seconds(2)
        try await PBXHarness.run(Cast.everyone, configuration: configuration) { pbx in
            await pbx.core.extensionChanged(PBXHarness.extensionRecord(desk.number, password: desk.password, noAnswerTimeout: 1))
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 180, toTag: "desk-tag"), from: desk)
            _ = try await pbx.outbound.response(480, .invite, to: alice.address, timeout: .seconds(5))
            let ringingToCaller = pbx.outbound.sent.compactMap(\.response).filter {
                $0.statusCode == 180 && $0.headers.callID == ringing.callerInvite.headers.callID
            }
            #expect(ringingToCaller.count == 1)
        }
    }

    /// Timer B (64·T1: 3.2 s with the harness's T1 of 50 ms) bounds the wait for a callee's
    /// first response only: a phone that rings outlives it, and the extension's ring time
    /// decides. Once cancelled, the INVITE's final response is due within 64·T1 (RFC 3261
    /// §9.1): a phone that answers neither the CANCEL nor the INVITE is given up then.
    @Test("a phone ringing past timer B rings on until the no-answer timeout; cancelled and silent, its INVITE is given up 64·T1 later")
    func ringingOutlivesTimerB() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.extensionChanged(PBXHarness.extensionRecord(desk.number, password: desk.password, noAnswerTimeout: 5))
            let ringing = try await pbx.dial(from: alice, to: [desk])
            pbx.send(desk.respond(to: ringing.calleeInvites[0], status: 180, toTag: "desk-tag"), from: desk)
            let unavailable = try await pbx.outbound.response(480, .invite, to: alice.address, timeout: .seconds(10))
            pbx.send(alice.ack(failure: unavailable, of: ringing.callerInvite), from: alice)
            _ = try await pbx.outbound.request(.cancel, to: desk.address)
            let cdr = try await pbx.finishedCDR(of: alice.number)
            #expect(cdr.disposition == .noAnswer, "ended as \(cdr.disposition), cause \(cdr.cause ?? "none")")
            #expect(cdr.cause == "no_answer_timeout")
            try await eventually("the unanswered INVITE given up", timeout: .seconds(10)) {
                await !pbx.core.clientTransactionMethods().contains(.invite)
            }
        }
    }
}

