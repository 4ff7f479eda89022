import VPBXPBX
import VPBXSIP

/// Call set-up steps many tests share.
extension PBXHarness {
    /// The INVITEs the engine sent to the callee's contacts.
    struct Ringing {
        let callerInvite: SIPRequest
        let calleeInvites: [SIPRequest]
    }

    /// Registers `callees`, then `caller` dials their extension (offering `callerOffer`, by
    /// default `Phone.sdp`); returns once every callee contact got the engine's INVITE.
    func dial(from caller: Phone, to callees: [Phone], callerOffer: String? = nil) async throws -> Ringing {
        for callee in callees { try await register(callee) }
        let invite = try await placeCall(from: caller, to: callees[0].number, sdp: callerOffer ?? caller.sdp())
        var forked: [SIPRequest] = []
        for callee in callees { forked.append(try await outbound.request(.invite, to: callee.address)) }
        return Ringing(callerInvite: invite, calleeInvites: forked)
    }

    /// An answered call between `caller` and `callee` (one contact), ACKed by both sides.
    struct Established {
        var caller: PhoneDialog
        var callee: PhoneDialog
        let session: FakeMediaSession
    }

    /// `calleeAnswer`: the callee's SDP answer; by default PCMU first, as `Phone.sdp` writes it.
    func establish(
        from caller: Phone, to callee: Phone, callerOffer: String? = nil, calleeAnswer: String? = nil
    ) async throws -> Established {
        let ringing = try await dial(from: caller, to: [callee], callerOffer: callerOffer)
        let invite = ringing.calleeInvites[0]
        let ok = callee.respond(to: invite, status: 200, toTag: "callee-tag", sdp: calleeAnswer ?? callee.sdp(port: 4002))
        send(ok, from: callee)
        _ = try await outbound.request(.ack, to: callee.address)
        let callerOK = try await outbound.response(200, .invite, to: caller.address)
        let callerDialog = try PhoneDialog(caller: caller, invite: ringing.callerInvite, ok: callerOK)
        send(callerDialog.ack(inviteCSeq: try ringing.callerInvite.headers.cseq().number), from: caller)
        return Established(
            caller: callerDialog, callee: try PhoneDialog(callee: callee, invite: invite, ok: ok),
            session: try await media.onlySession())
    }

    /// Answers the core's INVITE to one of the engine's applications as the application's
    /// user agent would: 200 with `sdp`, its Contact at the application host.
    func answerAsApplication(_ invite: SIPRequest, sdp: String, tag: String = "app-tag") {
        var ok = SIPResponse(to: invite, status: 200, toTag: tag)
        ok.headers.add("Contact", "<sip:\(invite.uri.user ?? "app")@\(Application.peer.host):5060;transport=tcp>")
        ok.headers.add("Content-Type", "application/sdp")
        ok.body = Array(sdp.utf8)
        core.receive(IncomingSIP(message: .response(ok), source: Application.peer))
    }
}
