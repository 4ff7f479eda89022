import Testing
import VPBXSIP
@testable import VPBXSignaling

@Suite struct DialogTests {
    @Test func uacDialogBuildsByeAndAckFromTheResponse() throws {
        var invite = TransactionFixtures.request(.invite)
        invite.headers.add("Route", "<sip:proxy.example;lr>")
        var ok = TransactionFixtures.response(200, to: invite, tag: "remote")
        ok.headers.add("Record-Route", "<sip:p1.example;lr>, <sip:p2.example;lr>")
        var dialog = try Dialog(uacInvite: invite, response: ok)
        #expect(dialog.remoteTarget.port == 5080)
        #expect(dialog.routeSet.map(\.uri.host) == ["p2.example", "p1.example"])
        let via = Via(transport: "UDP", host: "127.0.0.1", port: 5060, parameters: [SIPParameter(name: "branch", value: "z9hG4bK-bye")])
        let bye = dialog.makeRequest(.bye, via: via, contact: nil)
        #expect(bye.uri.port == 5080)
        #expect(try bye.headers.cseq() == CSeq(2, .bye))
        #expect(try bye.headers.from().tag == "from1")
        #expect(try bye.headers.to().tag == "remote")
        #expect(bye.headers.lines("Route").count == 2)
        let ack = dialog.makeAck(inviteCSeq: 1, via: via)
        #expect(try ack.headers.cseq() == CSeq(1, .ack))
    }

    @Test func uasDialogRejectsOutOfOrderCSeqAndRefreshesTarget() throws {
        let invite = TransactionFixtures.request(.invite)
        var dialog = try Dialog(uasInvite: invite, localTag: "mine")
        #expect(dialog.local.tag == "mine")
        #expect(dialog.remoteTag == "from1")
        var reinvite = invite
        reinvite.headers["CSeq"] = "2 INVITE"
        reinvite.headers["Contact"] = "<sip:1001@127.0.0.9:5999>"
        let accepted = dialog.acceptRemoteRequest(reinvite)
        #expect(accepted)
        #expect(dialog.remoteTarget.port != 5999, "not before its 2xx (RFC 6141 §3.4)")
        dialog.acceptTargetRefresh(answering: reinvite)
        #expect(dialog.remoteTarget.port == 5999)
        let acceptedAgain = dialog.acceptRemoteRequest(reinvite)
        #expect(!acceptedAgain, "same CSeq again is out of order")
    }

    @Test func aSuccessToOurTargetRefreshMovesTheRemoteTarget() throws {
        let invite = TransactionFixtures.request(.invite)
        var dialog = try Dialog(uacInvite: invite, response: TransactionFixtures.response(200, to: invite, tag: "remote"))
        var refused = TransactionFixtures.response(491, to: invite, tag: "remote")
        refused.headers["Contact"] = "<sip:1002@127.0.0.7:6000>"
        dialog.acceptTargetRefresh(refused)
        #expect(dialog.remoteTarget.port == 5080, "only a 2xx refreshes the target")
        var ok = TransactionFixtures.response(200, to: invite, tag: "remote")
        ok.headers["Contact"] = "<sip:1002@127.0.0.7:6000>"
        dialog.acceptTargetRefresh(ok)
        #expect(dialog.remoteTarget.port == 6000)
    }

    @Test func requestsAfterTheFirstWriteTheSameFromAndToUntilTheRemoteTagChanges() throws {
        let invite = TransactionFixtures.request(.invite)
        var dialog = try Dialog(uacInvite: invite, response: TransactionFixtures.response(200, to: invite, tag: "remote"))
        let via = Via(transport: "UDP", host: "127.0.0.1", port: 5060, parameters: [SIPParameter(name: "branch", value: "z9hG4bK-1")])
        let before = dialog
        let ack = dialog.makeAck(inviteCSeq: 1, via: via)
        #expect(dialog == before, "the kept headers are not part of the dialog's value")
        let bye = dialog.makeRequest(.bye, via: via, contact: nil)
        #expect(bye.headers["From"] == ack.headers["From"] && bye.headers["To"] == ack.headers["To"])
        // What the headers keep parsed is what their text reads.
        #expect(try bye.headers.to() == NameAddress(parsing: try #require(bye.headers["To"])))
        #expect(try bye.headers.from() == NameAddress(parsing: try #require(bye.headers["From"])))
        #expect(try bye.headers.to().tag == "remote" && bye.headers.from().tag == "from1")
        dialog.remoteTag = "changed"
        let info = dialog.makeRequest(.info, via: via, contact: nil)
        #expect(try info.headers.to().tag == "changed")
        #expect(try NameAddress(parsing: try #require(info.headers["To"])).tag == "changed")
        #expect(info.headers["From"] == bye.headers["From"])
    }
}
