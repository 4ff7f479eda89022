import Testing
import VPBXSIP
import VPBXSignaling

/// A transaction waits up to 64·T1 after its final response; meanwhile it keeps only the
/// messages it still owes (a response to resend, an ACK for a failure), not its request:
/// matching is by the table's key.
@Suite struct FinishedTransactionTrimTests {
    private func invite() -> SIPRequest {
        var request = TransactionFixtures.request(.invite)
        request.headers.add("Route", "<sip:proxy.example;lr>")
        request.headers.add("Content-Type", "application/sdp")
        request.body = Array("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n".utf8)
        return request
    }

    @Test func aTrimmedRequestKeepsTheLinesThatIdentifyItAndNothingElse() throws {
        let trimmed = invite().trimmedForMatching()
        #expect(trimmed.method == .invite)
        #expect(trimmed.uri == SIPURI(user: "1002", host: "127.0.0.1"))
        #expect(trimmed.body.isEmpty)
        #expect(trimmed.headers.map(\.name) == ["Via", "From", "To", "Call-ID", "CSeq", "Route"])
        #expect(try trimmed.headers.from().tag == "from1")
        #expect(try trimmed.headers.topVia().branch == "z9hG4bK-test")
        #expect(try trimmed.headers.cseq() == CSeq(1, .invite))
    }

    @Test func aCompletedNonInviteServerKeepsAnsweringRetransmissionsWithTheWholeResponse() throws {
        let bye = TransactionFixtures.request(.bye)
        var (transaction, _) = ServerNonInviteTransaction.start(bye, reliability: .unreliable)
        let ok = TransactionFixtures.response(200, to: bye)
        #expect(transaction.request == bye)
        _ = transaction.respond(ok)
        #expect(transaction.request == nil)
        let again = transaction.receive(bye)
        #expect(again.sentSerialized == [SerializedSIPMessage(.response(ok))])
        #expect(try again.sentSerialized.first?.parsed() == SIPParser().parse(ok.serialized()), "every header of it")
    }

    @Test func anInviteClientAcksAFailureFromItsTrimmedRequestWithRouteAndVia() throws {
        let request = invite()
        var (transaction, _) = ClientInviteTransaction.start(request, reliability: .unreliable)
        let busy = TransactionFixtures.response(486, to: request)
        let first = transaction.receive(busy)
        #expect(transaction.request == nil)
        // A retransmitted 486 is ACKed again, the same ACK.
        let second = transaction.receive(busy)
        let ack = try #require(second.sentRequests.first)
        #expect(first.sentRequests == [ack])
        #expect(ack.headers.lines("Route") == ["<sip:proxy.example;lr>"])
        #expect(try ack.headers.topVia().branch == "z9hG4bK-test")
        #expect(ack.uri == request.uri)
    }

    @Test func anAcceptedInviteServerLetsGoOfItsMessagesOnceTheAckCame() throws {
        let request = invite()
        var (transaction, _) = ServerInviteTransaction.start(request, reliability: .unreliable)
        var ok = TransactionFixtures.response(200, to: request)
        ok.body = request.body
        _ = transaction.respond(ok)
        // Before the ACK the 2xx is retransmitted whole.
        #expect(transaction.timerFired(.g).sentResponses == [ok])
        #expect(transaction.request == request)
        transaction.acknowledged()
        #expect(transaction.request == nil)
        #expect(transaction.timerFired(.g).isEmpty)
        #expect(transaction.receive(request).isEmpty, "INVITE retransmissions are absorbed")
        #expect(transaction.timerFired(.l).contains { if case .terminated = $0 { true } else { false } })
    }

    @Test func aFailedInviteServerLetsGoOfItsRequestOnceTheFailureIsAcknowledged() throws {
        let request = invite()
        var (transaction, _) = ServerInviteTransaction.start(request, reliability: .unreliable)
        let busy = TransactionFixtures.response(486, to: request)
        _ = transaction.respond(busy)
        // Until the ACK, a retransmitted INVITE gets the failure again.
        #expect(transaction.receive(request).sentResponses == [busy])
        var ack = request
        ack.method = .ack
        _ = transaction.receive(ack)
        #expect(transaction.state == .confirmed)
        #expect(transaction.request == nil)
        #expect(transaction.receive(request).isEmpty, "INVITE retransmissions are absorbed")
    }

    @Test func aCompletedNonInviteClientKeepsNothingAndAbsorbsRetransmittedFinals() throws {
        let bye = TransactionFixtures.request(.bye)
        var (transaction, _) = ClientNonInviteTransaction.start(bye, reliability: .unreliable)
        let ok = TransactionFixtures.response(200, to: bye)
        #expect(transaction.receive(ok).contains { if case .deliverResponse = $0 { true } else { false } })
        #expect(transaction.request == nil)
        #expect(transaction.receive(ok).isEmpty)
        #expect(transaction.timerFired(.e).isEmpty, "a finished transaction sends nothing again")
        #expect(transaction.timerFired(.k).contains { if case .terminated = $0 { true } else { false } })
    }

    @Test func anAcceptedInviteClientKeepsNothingAndPassesRetransmitted2xxUp() throws {
        let request = invite()
        var (transaction, _) = ClientInviteTransaction.start(request, reliability: .unreliable)
        let ok = TransactionFixtures.response(200, to: request)
        _ = transaction.receive(ok)
        #expect(transaction.request == nil)
        #expect(transaction.receive(ok).contains { if case .deliverResponse = $0 { true } else { false } })
        #expect(transaction.timerFired(.a).isEmpty, "the INVITE is not resent")
    }
}
