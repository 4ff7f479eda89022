import Foundation
import Testing
import VPBXPBX
import VPBXSIP

/// A phone registered over TCP is reached through the connection it registered on (behind NAT
/// nothing can connect to it): the registrar keeps that connection from being closed for
/// idleness while the registration lasts.
@Suite("Registrar: TCP connections held", .timeLimit(.minutes(1)))
struct TCPRegistrationHoldTests {
    static let tcpPhone = Phone("100", at: "192.0.2.60", port: 40_123, connection: 7)

    @Test("a registration over TCP holds its connection for its lifetime and a minute; one over UDP holds nothing")
    func registrationHoldsItsConnection() async throws {
        try await PBXHarness.run([Self.tcpPhone, Cast.bobDesk]) { (pbx: PBXHarness) async throws in
            let registered = try await pbx.register(Self.tcpPhone, expires: 1800)
            #expect(registered.statusCode == 200)
            let expected = RecordingOutbound.ConnectionHold(peer: Self.tcpPhone.address, duration: .seconds(1860))
            #expect(pbx.outbound.holds == [expected])
            #expect(pbx.outbound.holds.first?.peer.connectionID == 7)
            // Longer than the registrar grants: held for what it grants.
            let capped = try await pbx.register(Self.tcpPhone, expires: 7200)
            #expect(capped.statusCode == 200)
            #expect(pbx.outbound.holds.last?.duration == .seconds(3660))
            let overUDP = try await pbx.register(Cast.bobDesk)
            #expect(overUDP.statusCode == 200)
            #expect(pbx.outbound.releases.isEmpty, "refreshing on the same connection releases nothing")
            // Unregistering holds nothing more, and ends the hold.
            let unregistered = try await pbx.register(Self.tcpPhone, expires: 0)
            #expect(unregistered.statusCode == 200)
            #expect(pbx.outbound.holds.count == 2)
            #expect(pbx.outbound.releases == [Self.tcpPhone.address])
        }
    }

    /// Behind NAT a phone's connection breaks without a close reaching the engine (the NAT
    /// forgot the mapping), and the phone registers the same contact again on a new one.
    @Test("a phone registering its contact again on a new connection ends the hold on the old one")
    func registeringOnANewConnectionReleasesTheOld() async throws {
        let rebound = Phone("100", at: "192.0.2.60", port: 40_999, connection: 8)
        try await PBXHarness.run([Self.tcpPhone, Cast.bobDesk]) { (pbx: PBXHarness) async throws in
            #expect(try await pbx.register(Self.tcpPhone).statusCode == 200)
            #expect(try await pbx.register(rebound, contact: "<\(Self.tcpPhone.contact)>").statusCode == 200)
            #expect(pbx.outbound.holds.map(\.peer.connectionID) == [7, 8])
            #expect(pbx.outbound.releases == [Self.tcpPhone.address])
        }
    }

    /// Calls reach a TCP phone through its connection while it is open; once it is gone (the
    /// phone closed it, or the engine restarted), at the Contact's address over a new one:
    /// the source is the phone's ephemeral port, where nothing listens.
    @Test("a TCP phone is called on its connection, and at its Contact once that connection is gone")
    func callsGoToTheContactOnceTheConnectionIsGone() async throws {
        let caller = Cast.bobDesk
        let contact = "sip:100@192.0.2.61:5070;transport=tcp"
        let atContact = SIPPeerAddress(transport: .tcp, host: "192.0.2.61", port: 5070)
        try await PBXHarness.run([Self.tcpPhone, caller]) { (pbx: PBXHarness) async throws in
            #expect(try await pbx.register(Self.tcpPhone, contact: "<\(contact)>").statusCode == 200)
            _ = try await pbx.register(caller)

            _ = try await pbx.placeCall(from: caller, to: "100", sdp: caller.sdp())
            let onConnection = try await pbx.outbound.request(.invite, to: Self.tcpPhone.address)
            #expect(onConnection.uri.description == contact)
            pbx.send(Self.tcpPhone.respond(to: onConnection, status: 486, toTag: "busy"), from: Self.tcpPhone)
            _ = try await pbx.outbound.request(.ack, to: Self.tcpPhone.address)

            pbx.outbound.closeConnection(7)
            _ = try await pbx.placeCall(from: caller, to: "100", sdp: caller.sdp())
            let atItsContact = try await pbx.outbound.request(.invite, to: atContact)
            #expect(atItsContact.uri.description == contact)
            #expect(
                pbx.outbound.sent.filter { $0.isRequest(.invite, to: Self.tcpPhone.address) }.count == 1,
                "the second INVITE also went to the closed connection")
        }
    }

    static let remoteTarget = "sip:100@192.0.2.61:5070;transport=tcp"
    static let atRemoteTarget = SIPPeerAddress(transport: .tcp, host: "192.0.2.61", port: 5070)

    /// The TCP phone's 200 to `invite`, its Contact the ``remoteTarget``.
    private static func answer(_ invite: SIPRequest) -> SIPResponse {
        var ok = SIPResponse(to: invite, status: 200, toTag: "callee-tag")
        ok.headers.add("Contact", "<\(remoteTarget)>")
        ok.headers.add("Content-Type", "application/sdp")
        ok.body = Array(tcpPhone.sdp(port: 4002).utf8)
        return ok
    }

    /// `caller` calls the TCP phone, which answers naming ``remoteTarget`` in its Contact, and
    /// both ACKs are exchanged: an established call, with the caller's side of its dialog.
    private static func establishCallToTheTCPPhone(from caller: Phone, in pbx: PBXHarness) async throws -> PhoneDialog {
        #expect(try await pbx.register(Self.tcpPhone).statusCode == 200)
        _ = try await pbx.register(caller)
        let invite = try await pbx.placeCall(from: caller, to: "100", sdp: caller.sdp())
        let calleeInvite = try await pbx.outbound.request(.invite, to: Self.tcpPhone.address)
        pbx.send(answer(calleeInvite), from: Self.tcpPhone)
        _ = try await pbx.outbound.request(.ack, to: Self.tcpPhone.address)
        let callerOK = try await pbx.outbound.response(200, .invite, to: caller.address)
        var callerDialog = try PhoneDialog(caller: caller, invite: invite, ok: callerOK)
        pbx.send(callerDialog.ack(inviteCSeq: try invite.headers.cseq().number), from: caller)
        return callerDialog
    }

    /// A call's own requests (a BYE here) go the way the call was set up; once a TCP phone's
    /// connection has closed during the call, to its remote target (the Contact of its 200).
    @Test("a BYE for a TCP phone whose connection closed during the call goes to the phone's remote target")
    func inDialogRequestsGoToTheRemoteTargetOnceTheConnectionIsGone() async throws {
        let caller = Cast.bobDesk
        try await PBXHarness.run([Self.tcpPhone, caller]) { (pbx: PBXHarness) async throws in
            var callerDialog = try await Self.establishCallToTheTCPPhone(from: caller, in: pbx)
            pbx.outbound.closeConnection(7)
            pbx.send(callerDialog.request(.bye), from: caller)
            let bye = try await pbx.outbound.request(.bye, to: Self.atRemoteTarget)
            #expect(bye.uri.description == Self.remoteTarget)
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.bye, to: Self.tcpPhone.address) })
        }
    }

    /// The ACK of a 2xx is the dialog's to send, not the transaction's (RFC 3261 §13.2.2.4):
    /// after a relayed re-INVITE reached the phone at its remote target, the phone's 200 came
    /// over that new connection, and the ACK must go there too, or the phone retransmits its
    /// 200 and ends the call when no ACK comes.
    @Test("a re-INVITE relayed to a TCP phone whose connection closed, and the ACK of its 200, go to its remote target")
    func reInviteAndItsAckGoToTheRemoteTargetOnceTheConnectionIsGone() async throws {
        let caller = Cast.bobDesk
        let overNewConnection = Phone("100", at: "192.0.2.61", port: 5070, connection: 9)
        try await PBXHarness.run([Self.tcpPhone, caller]) { (pbx: PBXHarness) async throws in
            var callerDialog = try await Self.establishCallToTheTCPPhone(from: caller, in: pbx)
            pbx.outbound.closeConnection(7)
            pbx.send(callerDialog.request(.invite, sdp: caller.sdp(port: 4030)), from: caller)
            let relayed = try await pbx.outbound.request(.invite, to: Self.atRemoteTarget)
            #expect(relayed.uri.description == Self.remoteTarget)
            pbx.send(Self.answer(relayed), from: overNewConnection)
            let ack = try await pbx.outbound.request(.ack, to: Self.atRemoteTarget)
            #expect(try ack.headers.cseq().number == (try relayed.headers.cseq().number))
            _ = try await pbx.outbound.response(200, .invite, to: caller.address)
            let acksOnTheClosedConnection = pbx.outbound.sent.filter { $0.isRequest(.ack, to: Self.tcpPhone.address) }
            #expect(acksOnTheClosedConnection.count == 1, "only the first call's ACK, sent while connection 7 was open")
        }
    }

    /// A phone with two lines (or a gateway) registers two extensions on one connection: it is
    /// held while either is registered.
    @Test("a connection two extensions registered on is released only when neither is")
    func sharedConnectionReleasedWhenTheLastBindingGoes() async throws {
        let secondLine = Phone("101", at: "192.0.2.60", port: 40_123, connection: 7)
        try await PBXHarness.run([Self.tcpPhone, secondLine]) { (pbx: PBXHarness) async throws in
            #expect(try await pbx.register(Self.tcpPhone).statusCode == 200)
            #expect(try await pbx.register(secondLine).statusCode == 200)
            #expect(try await pbx.register(Self.tcpPhone, expires: 0).statusCode == 200)
            #expect(pbx.outbound.releases.isEmpty, "line 101 is still registered on connection 7")
            #expect(try await pbx.register(secondLine, expires: 0).statusCode == 200)
            #expect(pbx.outbound.releases == [secondLine.address])
        }
    }
}
