import Testing
import VPBXSIP
import VPBXSignaling

/// A transaction waits up to 64·T1 after its final response; meanwhile it keeps only what
/// matching and the retransmissions it still owes need, not whole messages.
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
        _ = transaction.respond(ok)
        #expect(transaction.request.headers.contains("Contact") == false)
        #expect(transaction.request.headers.callID == "txn-test")
        let again = transaction.receive(bye)
        #expect(again.sentResponses == [ok])
    }

    @Test func anInviteClientAcksAFailureFromItsTrimmedRequestWithRouteAndVia() throws {
        let request = invite()
        var (transaction, _) = ClientInviteTransaction.start(request, reliability: .unreliable)
        let busy = TransactionFixtures.response(486, to: request)
        let first = transaction.receive(busy)
        #expect(transaction.request.body.isEmpty)
        // A retransmitted 486 is ACKed again from the trimmed request, the same ACK.
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
        #expect(transaction.request.body == request.body)
        transaction.acknowledged()
        #expect(transaction.request.body.isEmpty)
        #expect(transaction.timerFired(.g).isEmpty)
        #expect(transaction.receive(request).isEmpty, "INVITE retransmissions are absorbed")
        #expect(transaction.timerFired(.l).contains { if case .terminated = $0 { true } else { false } })
    }
}
