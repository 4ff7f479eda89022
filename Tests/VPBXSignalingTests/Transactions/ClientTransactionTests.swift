import Testing
import VPBXSIP
@testable import VPBXSignaling

@Suite struct ClientInviteTransactionTests {
    let invite = TransactionFixtures.request(.invite)

    @Test func retransmitsWithDoublingIntervalAndTimesOutWithTimerB() {
        var (txn, actions) = ClientInviteTransaction.start(invite, reliability: .unreliable)
        #expect(actions.sentRequests == [invite])
        #expect(actions.timers == [.a: .milliseconds(500), .b: .seconds(32)])
        var intervals: [Duration] = []
        for _ in 0..<4 {
            let next = txn.timerFired(.a)
            #expect(next.sentRequests == [invite])
            intervals.append(next.timers[.a]!)
        }
        #expect(intervals == [.seconds(1), .seconds(2), .seconds(4), .seconds(8)])
        let step1 = txn.timerFired(.b)
        #expect(step1 == [.timedOut, .terminated])
        #expect(txn.state == .terminated)
    }

    @Test func aRingingInviteOutlivesTimerBUntilItIsCancelled() {
        var (txn, _) = ClientInviteTransaction.start(invite, reliability: .unreliable)
        _ = txn.receive(TransactionFixtures.response(180, to: invite))
        // Ringing past 32 s: the TU's no-answer timer decides, not timer B.
        #expect(txn.timerFired(.b).isEmpty)
        #expect(txn.state == .proceeding)
        // Cancelled: the final response is due within 64·T1 of the CANCEL, by timer B again.
        #expect(txn.cancelSent().timers == [.b: .seconds(32)])
        #expect(txn.cancelSent().isEmpty, "one restart, however many CANCELs")
        #expect(txn.timerFired(.b) == [.timedOut, .terminated])
        #expect(txn.state == .terminated)
    }

    @Test func aReInviteThatRingsNobodyStillTimesOutAfterAProvisional() {
        var (txn, _) = ClientInviteTransaction.start(invite, reliability: .unreliable, ringing: false)
        _ = txn.receive(TransactionFixtures.response(100, to: invite))
        #expect(txn.timerFired(.b) == [.timedOut, .terminated])
    }

    @Test func aCancelledInviteAnsweredInTimeCompletes() {
        var (txn, _) = ClientInviteTransaction.start(invite, reliability: .unreliable)
        _ = txn.receive(TransactionFixtures.response(180, to: invite))
        _ = txn.cancelSent()
        let terminated = TransactionFixtures.response(487, to: invite)
        #expect(txn.receive(terminated).delivered == [terminated])
        #expect(txn.state == .completed)
        #expect(txn.timerFired(.b).isEmpty, "timer B is stale once the final response arrived")
    }

    @Test func reliableTransportHasNoRetransmissionTimer() {
        let (_, actions) = ClientInviteTransaction.start(invite, reliability: .reliable)
        #expect(actions.timers[.a] == nil)
        #expect(actions.timers[.b] == .seconds(32))
    }

    @Test func provisionalStopsRetransmissionsAndFinalFailureIsAcknowledged() throws {
        var (txn, _) = ClientInviteTransaction.start(invite, reliability: .unreliable)
        let ringing = TransactionFixtures.response(180, to: invite)
        let step2 = txn.receive(ringing)
        #expect(step2.delivered == [ringing])
        let step3 = txn.timerFired(.a)
        #expect(step3.isEmpty, "timer A is stale once a provisional arrived")
        let busy = TransactionFixtures.response(486, to: invite)
        let actions = txn.receive(busy)
        #expect(actions.delivered == [busy])
        let ack = try #require(actions.sentRequests.first)
        #expect(ack.method == .ack)
        #expect(try ack.headers.cseq() == CSeq(1, .ack))
        #expect(try ack.headers.to().tag == "to1")
        #expect(ack.headers["Via"] == invite.headers["Via"], "hop-by-hop ACK reuses the INVITE's branch")
        #expect(actions.timers[.d] == .seconds(32))
        // A retransmitted 486 gets another ACK but is not delivered twice.
        let again = txn.receive(busy)
        #expect(again.sentRequests.count == 1 && again.delivered.isEmpty)
        let step4 = txn.timerFired(.d)
        #expect(step4 == [.terminated])
    }

    @Test func successGoesToAcceptedAndPassesRetransmitted2xxToTheTU() {
        var (txn, _) = ClientInviteTransaction.start(invite, reliability: .unreliable)
        let ok = TransactionFixtures.response(200, to: invite)
        let actions = txn.receive(ok)
        #expect(actions.delivered == [ok])
        #expect(actions.sentRequests.isEmpty, "the 2xx ACK belongs to the dialog, not the transaction")
        #expect(txn.state == .accepted)
        let step5 = txn.receive(ok)
        #expect(step5.delivered == [ok])
        let step6 = txn.timerFired(.m)
        #expect(step6 == [.terminated])
    }
}

@Suite struct ClientNonInviteTransactionTests {
    let bye = TransactionFixtures.request(.bye)

    @Test func timerECapsAtT2AndProceedingRetransmitsEveryT2() {
        var (txn, actions) = ClientNonInviteTransaction.start(bye, reliability: .unreliable)
        #expect(actions.timers == [.e: .milliseconds(500), .f: .seconds(32)])
        let intervals = (0..<5).map { _ in txn.timerFired(.e).timers[.e]! }
        #expect(intervals == [.seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)])
        _ = txn.receive(TransactionFixtures.response(100, to: bye))
        let step7 = txn.timerFired(.e)
        #expect(step7.timers[.e] == .seconds(4))
    }

    @Test func finalResponseCompletesAndTimerKTerminates() {
        var (txn, _) = ClientNonInviteTransaction.start(bye, reliability: .unreliable)
        let ok = TransactionFixtures.response(200, to: bye)
        let actions = txn.receive(ok)
        #expect(actions.delivered == [ok])
        #expect(actions.timers[.k] == .seconds(5))
        let step8 = txn.receive(ok)
        #expect(step8.isEmpty, "retransmitted finals are absorbed")
        let step9 = txn.timerFired(.f)
        #expect(step9.isEmpty, "timer F is stale once completed")
        let step10 = txn.timerFired(.k)
        #expect(step10 == [.terminated])
    }

    @Test func timerFTimesOut() {
        var (txn, _) = ClientNonInviteTransaction.start(bye, reliability: .reliable)
        let step11 = txn.timerFired(.f)
        #expect(step11 == [.timedOut, .terminated])
    }
}
