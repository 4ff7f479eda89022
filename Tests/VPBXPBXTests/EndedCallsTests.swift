import Foundation
import Testing
import VPBXSIP
import VPBXSignaling

@testable import VPBXPBX

/// Ended calls' legs are kept for late responses and forgotten in the order the calls ended.
@Suite("EndedCalls")
struct EndedCallsTests {
    private func answeredLeg(_ user: String) -> EndedLeg {
        let uri = SIPURI(user: user, host: "127.0.0.1")
        var leg = CalleeLeg(
            contact: uri, destination: SIPPeerAddress(transport: .udp, host: "127.0.0.1", port: 5062),
            invite: SIPRequest(method: .invite, uri: uri),
            transactionKey: TransactionKey(branch: "z9hG4bK-\(user)", sentBy: "127.0.0.1:5060", method: .invite))
        leg.state = .answered
        leg.ack = SerializedSIPMessage(.request(SIPRequest(method: .ack, uri: uri)))
        return EndedLeg(leg)
    }

    private func ackUser(_ leg: EndedLeg?) -> String? {
        // The user of the request-URI in the kept ACK's request line ("ACK sip:USER@host SIP/2.0").
        guard case .ack(let ack)? = leg?.pending else { return nil }
        let requestLine = String(decoding: ack.bytes.prefix { $0 != 13 }, as: UTF8.self)
        guard requestLine.hasPrefix("ACK sip:"), let at = requestLine.firstIndex(of: "@") else { return nil }
        return String(requestLine[requestLine.index(requestLine.startIndex, offsetBy: 8)..<at])
    }

    @Test func callsAreForgottenInTheOrderTheyEndedOnceTheWaitIsOver() {
        var ended = EndedCalls()
        let start = ContinuousClock.now
        let ids = (0..<3).map { _ in UUID() }
        for (offset, id) in ids.enumerated() {
            ended.add([answeredLeg("u\(offset)")], of: id, endedAt: start + .seconds(offset))
        }
        #expect(ended.count == 3)
        ended.forget(endedBefore: start + .milliseconds(1_500))
        #expect(ended[ids[0]] == nil && ended[ids[1]] == nil)
        #expect(ackUser(ended[ids[2]]?.first) == "u2")
        ended.forget(endedBefore: start + .seconds(2))
        #expect(ended.count == 1, "a call that ended exactly at the limit stays")
        ended.forget(endedBefore: start + .seconds(3))
        #expect(ended.count == 0)
    }

    @Test func aLegIsReplacedInPlaceAndOnlyWhileTheCallIsKept() {
        var ended = EndedCalls()
        let id = UUID()
        let now = ContinuousClock.now
        ended.add([answeredLeg("a"), answeredLeg("b")], of: id, endedAt: now)
        ended.update(answeredLeg("c"), at: 1, of: id)
        #expect(ended[id]?.map(ackUser) == ["a", "c"])
        ended.update(answeredLeg("d"), at: 5, of: id)  // no such leg: nothing happens
        ended.forget(endedBefore: now + .seconds(1))
        ended.update(answeredLeg("e"), at: 0, of: id)
        #expect(ended[id] == nil, "a forgotten call is not brought back")
    }

    /// Many calls through the table: the queue is compacted as it goes and nothing young is
    /// lost on the way.
    @Test func manyEndingsAreForgottenWithoutLosingTheYoungOnes() {
        var ended = EndedCalls()
        let start = ContinuousClock.now
        var ids: [UUID] = []
        for step in 0..<5_000 {
            let id = UUID()
            ids.append(id)
            ended.add([answeredLeg("x")], of: id, endedAt: start + .milliseconds(step))
            ended.forget(endedBefore: start + .milliseconds(step - 1_000))
        }
        #expect(ended.count == 1_001)
        #expect(ended[ids[4_999]] != nil && ended[ids[3_999]] != nil)
        #expect(ended[ids[3_998]] == nil && ended[ids[0]] == nil)
    }
}
