import Testing
import VPBXSIP
@testable import VPBXSignaling

@Suite struct ServerInviteTransactionTests {
    let invite = TransactionFixtures.request(.invite)

    @Test func aTUThatAnswersWithin200msSendsTheOnlyProvisionalAndRetransmissionsGetIt() {
        var (txn, actions) = ServerInviteTransaction.start(invite, reliability: .unreliable)
        #expect(actions.sentResponses.isEmpty)
        #expect(actions.timers == [.trying: .milliseconds(200)])
        #expect(actions.contains(.deliverRequest(invite)))
        let ringing = TransactionFixtures.response(180, to: invite)
        let step12 = txn.respond(ringing)
        #expect(step12.sentResponses == [ringing])
        #expect(txn.timerFired(.trying).isEmpty)  // the TU answered first: no 100 after the 180
        let step13 = txn.receive(invite)
        #expect(step13.sentResponses == [ringing])
    }

    /// RFC 3261 §17.2.1: a TU still silent after 200 ms gets a 100 sent for it, once.
    @Test func aSilentTUGetsTryingSentAfter200msOnce() {
        var (txn, _) = ServerInviteTransaction.start(invite, reliability: .unreliable)
        #expect(txn.timerFired(.trying).sentResponses.map(\.statusCode) == [100])
        #expect(txn.timerFired(.trying).isEmpty)
        let ringing = TransactionFixtures.response(180, to: invite)
        #expect(txn.respond(ringing).sentResponses == [ringing])
    }

    /// A retransmitted INVITE before the TU answers stops the caller's timer A with a 100 at
    /// once, and the timer sends no second one.
    @Test func aRetransmissionBeforeAnyAnswerGetsTryingAtOnce() {
        var (txn, _) = ServerInviteTransaction.start(invite, reliability: .unreliable)
        #expect(txn.receive(invite).sentResponses.map(\.statusCode) == [100])
        #expect(txn.timerFired(.trying).isEmpty)
    }

    @Test func theTryingDelayIsAtMostHalfOfT1() {
        #expect(TransactionTimings.rfc3261.tryingDelay == .milliseconds(200))
        #expect(TransactionTimings(t1: .milliseconds(100)).tryingDelay == .milliseconds(50))
    }

    /// A TU that refuses at once (call limit, overload) needs no 100 before its final answer.
    @Test func aTUThatAnswersAtOnceGetsNoTrying() {
        var (txn, actions) = ServerInviteTransaction.start(invite, reliability: .unreliable, answersAtOnce: true)
        #expect(actions.sentResponses.isEmpty)
        #expect(actions.contains(.deliverRequest(invite)))
        let refused = TransactionFixtures.response(503, to: invite)
        let answer = txn.respond(refused)
        #expect(answer.sentResponses == [refused])
        #expect(answer.timers == [.g: .milliseconds(500), .h: .seconds(32)])
    }

    @Test func failureIsRetransmittedUntilAckThenConfirmed() {
        var (txn, _) = ServerInviteTransaction.start(invite, reliability: .unreliable)
        let busy = TransactionFixtures.response(486, to: invite)
        let actions = txn.respond(busy)
        #expect(actions.timers == [.g: .milliseconds(500), .h: .seconds(32)])
        let intervals = (0..<4).map { _ in txn.timerFired(.g).timers[.g]! }
        #expect(intervals == [.seconds(1), .seconds(2), .seconds(4), .seconds(4)])
        let step14 = txn.receive(invite)
        #expect(step14.sentResponses == [busy])
        var ack = invite
        ack.method = .ack
        let step15 = txn.receive(ack)
        #expect(step15.timers == [.i: .seconds(5)])
        #expect(txn.state == .confirmed)
        let step16 = txn.timerFired(.g)
        let step17 = txn.timerFired(.h)
        #expect(step16.isEmpty && step17.isEmpty)
        let step18 = txn.timerFired(.i)
        #expect(step18 == [.terminated])
    }

    @Test func missingAckForFailureReportsTimerH() {
        var (txn, _) = ServerInviteTransaction.start(invite, reliability: .reliable)
        let actions = txn.respond(TransactionFixtures.response(404, to: invite))
        #expect(actions.timers == [.h: .seconds(32)])
        let step19 = txn.timerFired(.h)
        #expect(step19 == [.ackNeverArrived, .terminated])
    }

    @Test func successIsRetransmittedUntilTheDialogAcknowledgesIt() {
        var (txn, _) = ServerInviteTransaction.start(invite, reliability: .unreliable)
        let ok = TransactionFixtures.response(200, to: invite)
        let step20 = txn.respond(ok)
        #expect(step20.timers == [.g: .milliseconds(500), .l: .seconds(32)])
        let step21 = txn.timerFired(.g)
        #expect(step21.sentResponses == [ok])
        txn.acknowledged()
        let step22 = txn.timerFired(.g)
        #expect(step22.isEmpty)
        let step23 = txn.receive(invite)
        #expect(step23.isEmpty, "INVITE retransmission in accepted is absorbed")
        let step24 = txn.timerFired(.l)
        #expect(step24 == [.terminated])
    }

    @Test func unacknowledgedSuccessTellsTheTU() {
        var (txn, _) = ServerInviteTransaction.start(invite, reliability: .unreliable)
        _ = txn.respond(TransactionFixtures.response(200, to: invite))
        let step25 = txn.timerFired(.l)
        #expect(step25 == [.ackNeverArrived, .terminated])
    }
}

@Suite struct ServerNonInviteTransactionTests {
    let options = TransactionFixtures.request(.options)

    @Test func finalIsResentOnRetransmissionAndTimerJEnds() {
        var (txn, actions) = ServerNonInviteTransaction.start(options, reliability: .unreliable)
        #expect(actions == [.deliverRequest(options)])
        let step26 = txn.receive(options)
        #expect(step26.isEmpty, "nothing to resend before the TU answered")
        let ok = TransactionFixtures.response(200, to: options)
        let step27 = txn.respond(ok)
        #expect(step27.timers == [.j: .seconds(32)])
        #expect(step27.sentSerialized == [SerializedSIPMessage(.response(ok))])
        let step28 = txn.receive(options)
        #expect(step28.sentSerialized == [SerializedSIPMessage(.response(ok))], "the same bytes again")
        let step29 = txn.respond(ok)
        #expect(step29.isEmpty, "a second final is refused")
        let step30 = txn.timerFired(.j)
        #expect(step30 == [.terminated])
    }

    @Test func reliableTransportEndsAtOnce() {
        var (txn, _) = ServerNonInviteTransaction.start(options, reliability: .reliable)
        let step31 = txn.respond(TransactionFixtures.response(200, to: options))
        #expect(step31.timers == [.j: .zero])
    }
}

@Suite struct TransactionKeyTests {
    @Test func ackAndCancelFindTheInvite() throws {
        let invite = TransactionFixtures.request(.invite, branch: "z9hG4bK-k1")
        var ack = invite
        ack.method = .ack
        ack.headers["CSeq"] = "1 ACK"
        var cancel = invite
        cancel.method = .cancel
        cancel.headers["CSeq"] = "1 CANCEL"
        let inviteKey = try TransactionKey.server(for: invite)
        #expect(try TransactionKey.server(for: ack) == inviteKey)
        let cancelKey = try TransactionKey.server(for: cancel)
        #expect(cancelKey != inviteKey)
        #expect(cancelKey.cancelTarget() == inviteKey)
    }

    /// The hash is computed once, when the key is made: keys built apart from equal parts
    /// are the same key, in a dictionary too, and a key differing in any part is another.
    @Test func keysMadeApartFromEqualPartsAreOneDictionaryKey() {
        let branch = "z9hG4bK-" + String(repeating: "x", count: 20)
        let key = TransactionKey(branch: branch, sentBy: "192.0.2.1:5060", method: .invite)
        let again = TransactionKey(branch: "z9hG4bK-" + String(repeating: "x", count: 20), sentBy: "192.0.2.1:5060", method: .ack)
        #expect(key == again)
        #expect(key.hashValue == again.hashValue)
        var table = [key: 1]
        table[again] = 2
        #expect(table.count == 1 && table[key] == 2)
        let others = [
            TransactionKey(branch: branch + "y", sentBy: "192.0.2.1:5060", method: .invite),
            TransactionKey(branch: branch, sentBy: "192.0.2.1:5061", method: .invite),
            TransactionKey(branch: branch, sentBy: "192.0.2.1:5060", method: .bye),
        ]
        for other in others {
            #expect(other != key)
            table[other] = 3
        }
        #expect(table.count == 4 && table[key] == 2)
    }

    @Test func legacyBranchesFallBackToDialogIdentifiers() throws {
        let old = TransactionFixtures.request(.options, branch: "1234")
        #expect(try TransactionKey.server(for: old).branch.hasPrefix("legacy:txn-test:1:from1"))
    }
}
