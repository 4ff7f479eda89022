import Foundation
import VPBXMedia
import VPBXSDP
import VPBXSIP
import VPBXSignaling
import VPBXStore

/// Listen, whisper and barge: a supervisor dials a feature code and the number of the
/// extension to listen to (`*2221001`, `*2231001`, `*2241001`), like Asterisk's ChanSpy.
///
/// The core answers the supervisor's INVITE itself. Its media is a port pair on the monitored
/// call's relay session, which mixes what the supervisor hears (and, whispering or barging,
/// what the parties hear) every 20 ms. During monitoring the supervisor switches modes with
/// keys 4 (listen), 5 (whisper) and 6 (barge), or from the control socket (`call.monitor`).
/// The leg ends when the supervisor hangs up or the monitored call ends (the supervisor gets
/// a BYE). Every start, switch and end is logged at notice level with who listened to whom:
/// listening in is processing of personal data, and the log is the audit trail.
extension PBXCore {
    func startMonitor(
        _ request: SIPRequest, key: TransactionKey, source: SIPPeerAddress, supervisor: String, mode: MonitorMode,
        target: String, path: [String]
    ) {
        let now = Date()
        let path = path + ["monitor:\(mode.rawValue):\(target)"]
        let dialled = request.uri.user ?? ""
        let refuse = { (status: Int, reason: String?, why: String) in
            self.logger.notice(
                "monitoring refused",
                metadata: ["supervisor": "\(supervisor)", "target": "\(target)", "mode": "\(mode.rawValue)", "reason": "\(why)"])
            self.rejectAttempt(
                request, key: key, status: status, reason: reason, caller: supervisor,
                callerName: self.directory[supervisor]?.displayName, callee: dialled, at: now, path: path)
        }
        guard directory[supervisor]?.mayMonitor == true else {
            refuse(403, nil, "extension \(supervisor) may not monitor calls (vpbx ext set \(supervisor) --monitor allow)")
            return
        }
        guard target != supervisor else {
            refuse(403, nil, "an extension cannot monitor its own calls")
            return
        }
        guard let (call, agentSide) = monitorableCall(of: target) else {
            refuse(480, "No Call To Monitor", "extension \(target) is in no answered call")
            return
        }
        guard let callCodec = call.codec(of: agentSide), MusicOnHold.encodings.contains(callCodec.encoding.uppercased())
        else {
            refuse(488, nil, "the call's audio cannot be mixed (G.711 only, not encrypted end to end)")
            return
        }
        guard !call.convertsVoice else {
            refuse(488, nil, PBXCore.bridgedCallNotMonitored)
            return
        }
        guard monitors.values.allSatisfy({ $0.callID != call.id }) else {
            refuse(486, "Already Monitored", "another supervisor is on this call")
            return
        }
        // A supervisor's INVITE without a body is a late offer: the 2xx offers the call's codec
        // and the ACK answers.
        // An SRTP phone's keys: the core reads its offer plain, the relay terminates its SRTP.
        let received = sdpBody(request.body, contentType: request.headers.contentType)
        let srtp = received.flatMap { SRTPTermination(sdp: $0) }
        let offer = srtp == nil ? received : received?.withoutSDES()
        let supervisorCodec: MusicOnHold.Codec
        let supervisorEvent: Int?
        if request.body.isEmpty {
            supervisorCodec = callCodec
            supervisorEvent = Self.offeredEventPayloadType
        } else {
            guard let offer,
                let trial = try? SessionDescription.answer(
                    to: offer, origin: Origin(sessionID: "0", sessionVersion: 0, address: configuration.mediaAddress),
                    address: configuration.mediaAddress, audioPort: 0, localCodecs: [callCodec.encoding, "PCMA", "PCMU"])
            else {
                refuse(488, nil, "the supervisor's phone offered no G.711 audio")
                return
            }
            supervisorCodec = MusicOnHold.Codec(encoding: trial.codec.encodingName.uppercased(), payloadType: trial.codec.payloadType)
            supervisorEvent = trial.telephoneEvent?.payloadType
        }
        guard let dialog = try? Dialog(uasInvite: request, localTag: SIPIdentifiers.tag()), let media = call.media else {
            respond(key, to: request, status: 400)
            return
        }
        let mediaRequest = MonitorMediaRequest(
            callCodec: callCodec, supervisorCodec: supervisorCodec, supervisorEventPayloadType: supervisorEvent,
            agentSide: agentSide.mediaSide, mode: mode)
        var candidate = RandomUUID.make(at: now)
        while monitors[candidate] != nil || calls[candidate] != nil { candidate = RandomUUID.make(at: now) }
        let id = candidate
        var leg = MonitorLeg(
            id: id, supervisor: supervisor, target: target, callID: call.id, agentSide: agentSide, mode: mode,
            inviteKey: key, invite: request, source: source, dialog: dialog, offer: offer,
            origin: OriginTracker(sessionID: OriginTracker.newSessionID(), address: configuration.mediaAddress),
            request: mediaRequest, startedAt: now)
        leg.srtp = srtp
        monitors[id] = leg
        monitorByDialog[DialogID(callID: dialog.callID, localTag: dialog.localTag)] = id
        monitorByInvite[key] = id
        writes.enqueue(
            .cdrBegin(
                CDRRecord(
                    id: id, sipCallID: request.headers.callID ?? "", caller: supervisor,
                    callerName: directory[supervisor]?.displayName, callee: dialled, startedAt: now, path: path)))
        let post = inputSink
        Task {
            do {
                let attached = try await media.attachMonitor(mediaRequest) { digit in post(.monitorKey(id, digit)) }
                post(.monitorReady(id, .success(attached)))
            } catch {
                post(.monitorReady(id, .failure(error)))
            }
        }
    }

    /// The answered call `extensionNumber` takes part in, and which party it is.
    func monitorableCall(of extensionNumber: String) -> (Call, CallSide)? {
        for call in calls.values where call.state == .answered && !call.handingOn && call.media != nil {
            if call.caller == extensionNumber { return (call, .caller) }
            if let answered = call.answered, (answered.extensionNumber ?? call.callee) == extensionNumber {
                return (call, .callee)
            }
        }
        return nil
    }

    func monitorReady(_ id: UUID, _ result: Result<any MonitorMedia, any Error>) {
        guard var leg = monitors[id] else {
            // The supervisor gave up, or the call ended, while the port was being bound.
            if case .success(let media) = result { Task { await media.close() } }
            return
        }
        let media: any MonitorMedia
        switch result {
        case .failure(let error):
            logger.error("monitoring could not attach", metadata: ["monitor": "\(id)", "error": "\(error)"])
            endMonitor(id, cause: "media_failed", status: 503)
            return
        case .success(let attached):
            media = attached
        }
        if leg.ring != nil {
            leg.media = media
            monitors[id] = leg
            ringSupervisor(id)
            return
        }
        guard let dialog = leg.dialog else {
            // A dialled leg always has its dialog; should it not, the port goes back.
            Task { await media.close() }
            endMonitor(id, cause: "media_failed", status: 500)
            return
        }
        leg.media = media
        if let srtp = leg.srtp { media.terminateSRTP(srtp.relayKeys) }
        let sdp: SessionDescription
        if let offer = leg.offer {
            guard
                let negotiated = try? SessionDescription.answer(
                    to: offer, origin: leg.origin.origin, address: configuration.mediaAddress, audioPort: media.port,
                    localCodecs: [leg.request.supervisorCodec.encoding])
            else {
                Task { await media.close() }
                endMonitor(id, cause: "no_common_codec", status: 488)
                return
            }
            if let endpoint = offer.audioEndpoint { media.setRemote(host: endpoint.address, port: endpoint.port) }
            sdp = leg.srtp.map { $0.secured(negotiated.answer) } ?? negotiated.answer
        } else {
            // A late offer: the supervisor's phone answers ours in its ACK.
            sdp = monitorOffer(for: &leg, port: media.port)
            leg.awaitingAnswer = true
        }
        let body = Array(leg.origin.stamp(sdp).serialized().utf8)
        leg.answerBody = body
        leg.answeredAt = Date()
        leg.awaitingAck = leg.inviteKey
        monitors[id] = leg
        var ok = SIPResponse(to: leg.invite, status: 200, toTag: dialog.localTag)
        ok.headers.add("Contact", ourContact(user: leg.target, transport: leg.source.transport).serialized)
        ok.headers.add("Allow", PBXCore.allowedMethods)
        ok.headers.add("Content-Type", "application/sdp")
        ok.body = body
        respond(leg.inviteKey, with: ok)
        monitorByInvite[leg.inviteKey] = nil
        monitorAnswered(leg)
    }

    /// Announces (event, audit log) a supervisor now on a call.
    func monitorAnswered(_ leg: MonitorLeg) {
        emit(.monitorStarted(leg.snapshot))
        logger.notice(
            "supervisor attached to a call",
            metadata: [
                "supervisor": "\(leg.supervisor)", "target": "\(leg.target)", "mode": "\(leg.mode.rawValue)",
                "call": "\(leg.callID)", "monitor": "\(leg.id)", "rung": "\(leg.ring != nil)",
            ])
    }

    /// A key from the supervisor's phone (RFC 4733 through the relay, or SIP INFO).
    func monitorKey(_ id: UUID, _ digit: Character) {
        guard let mode = MonitorMode(key: digit) else { return }
        _ = setMonitorMode(id, mode)
    }

    /// Switches a supervisor between listen, whisper and barge. False when there is no such
    /// answered monitoring leg.
    @discardableResult
    public func setMonitorMode(_ id: UUID, _ mode: MonitorMode) -> Bool {
        guard var leg = monitors[id], let media = leg.media else { return false }
        guard leg.mode != mode else { return true }
        leg.mode = mode
        monitors[id] = leg
        media.setMode(mode)
        emit(.monitorChanged(leg.snapshot))
        logger.notice(
            "supervisor switched monitoring mode",
            metadata: ["supervisor": "\(leg.supervisor)", "target": "\(leg.target)", "mode": "\(mode.rawValue)", "monitor": "\(id)"])
        return true
    }

    /// Hangs up a supervisor's leg from the control socket; the monitored call goes on.
    public func stopMonitor(_ id: UUID) -> Bool {
        guard monitors[id] != nil else { return false }
        endMonitor(id, cause: "stopped_by_operator")
        return true
    }

    /// The supervisors on calls now, oldest first.
    public func monitorSnapshots() -> [MonitorSnapshot] {
        monitors.values.map(\.snapshot).sorted { $0.startedAt < $1.startedAt }
    }

    /// A request inside a monitoring leg's dialog; false when the dialog is not one.
    func monitorDialogRequest(_ request: SIPRequest, key: TransactionKey) -> Bool {
        guard let toTag = try? request.headers.toTag(), let callID = request.headers.callID,
            let id = monitorByDialog[DialogID(callID: callID, localTag: toTag)], var leg = monitors[id]
        else { return false }
        guard var dialog = leg.dialog, dialog.acceptRemoteRequest(request) else {
            respond(key, to: request, status: 500, reason: "CSeq Out of Order")
            return true
        }
        leg.dialog = dialog
        monitors[id] = leg
        switch request.method {
        case .bye:
            respond(key, to: request, status: 200)
            endMonitor(id, cause: "BYE", bySupervisor: true)
        case .invite:
            // A session refresh or hold: the monitoring session stays as it is, but follows
            // the supervisor's phone to a new address (it moved its media: a network change).
            if let offer = sdpBody(request.body, contentType: request.headers.contentType) {
                if let endpoint = offer.audioEndpoint { leg.media?.setRemote(host: endpoint.address, port: endpoint.port) }
                // A new key of its own is followed; the engine's, in the answer sent again, stays.
                if let next = leg.srtp?.following(offer) { terminateMonitorSRTP(next, of: &leg) }
            } else {
                leg.awaitingRefreshAnswer = true
            }
            dialog.acceptTargetRefresh(answering: request)
            leg.dialog = dialog
            var ok = SIPResponse(to: request, status: 200, toTag: dialog.localTag)
            ok.headers.add("Contact", ourContact(user: leg.target, transport: leg.source.transport).serialized)
            ok.headers.add("Content-Type", "application/sdp")
            ok.body = leg.answerBody ?? []
            leg.awaitingAck = key
            monitors[id] = leg
            respond(key, with: ok)
        case .info:
            respond(key, to: request, status: 200)
            if let type = request.headers.contentType,
                let relay = DTMFRelayBody(contentType: type, body: String(decoding: request.body, as: UTF8.self))
            {
                monitorKey(id, relay.digit.rawValue)
            }
        default:
            respond(key, to: request, status: 200)
        }
        return true
    }

    /// The ACK for a monitoring leg's 2xx; false when it belongs to no monitoring leg.
    func monitorAck(_ request: SIPRequest) -> Bool {
        guard let toTag = try? request.headers.toTag(), let callID = request.headers.callID,
            let id = monitorByDialog[DialogID(callID: callID, localTag: toTag)], var leg = monitors[id]
        else { return false }
        if let key = leg.awaitingAck {
            leg.awaitingAck = nil
            if leg.awaitingRefreshAnswer {
                leg.awaitingRefreshAnswer = false
                if let answer = sdpBody(request.body, contentType: request.headers.contentType), let endpoint = answer.audioEndpoint {
                    leg.media?.setRemote(host: endpoint.address, port: endpoint.port)
                }
            }
            let lateAnswer = leg.awaitingAnswer ? sdpBody(request.body, contentType: request.headers.contentType) : nil
            let wanted = leg.awaitingAnswer
            leg.awaitingAnswer = false
            monitors[id] = leg
            runServer(key) { txn in txn.acknowledged() }
            if wanted {
                // Keys first: an answer the relay decrypts is read plain.
                if let lateAnswer { readMonitorAnswer(lateAnswer, of: &leg) }
                monitors[id] = leg
                let plain = leg.srtp == nil ? lateAnswer : lateAnswer?.withoutSDES()
                guard let plain, plain.voiceCodec != nil, let endpoint = plain.audioEndpoint else {
                    logger.notice(
                        "the supervisor's ACK brought no usable answer to the offer in our 2xx",
                        metadata: ["monitor": "\(id)", "body": "\(request.body.count) bytes"])
                    endMonitor(id, cause: "no_answer_in_ack")
                    return true
                }
                leg.media?.setRemote(host: endpoint.address, port: endpoint.port)
            }
        }
        return true
    }

    /// CANCEL of a supervisor's INVITE still being set up; false when it is none.
    func cancelMonitor(_ key: TransactionKey) -> Bool {
        guard let id = monitorByInvite[key.cancelTarget()] else { return false }
        endMonitor(id, cause: "CANCEL", status: 487)
        return true
    }

    /// The supervisor never acknowledged the 2xx; false when `serverKey` is no monitoring leg's.
    func monitorAckNeverArrived(_ serverKey: TransactionKey) -> Bool {
        guard let leg = monitors.values.first(where: { $0.awaitingAck == serverKey }) else { return false }
        endMonitor(leg.id, cause: "ack_timeout")
        return true
    }

    /// Ends every supervisor on the call `callID` (it ended).
    func endMonitors(ofCall callID: UUID) {
        for leg in monitors.values where leg.callID == callID { endMonitor(leg.id, cause: "call_ended") }
    }

    /// Ends a supervisor's leg: BYE (answered) or a final response (`status`, not yet
    /// answered), media released, CDR finished.
    func endMonitor(_ id: UUID, cause: String, bySupervisor: Bool = false, status: Int = 480) {
        guard let leg = monitors.removeValue(forKey: id) else { return }
        if let dialogID = leg.dialogID { monitorByDialog[dialogID] = nil }
        monitorByInvite[leg.inviteKey] = nil
        if leg.answeredAt == nil {
            if let ring = leg.ring {
                stopRinging(leg, ring)
            } else {
                respond(leg.inviteKey, to: leg.invite, status: status, toTag: leg.dialog?.localTag)
            }
        } else if !bySupervisor, var dialog = leg.dialog {
            let bye = dialog.makeRequest(.bye, via: newVia(for: leg.source), contact: nil)
            sendBye(bye, to: leg.source)
        }
        if let media = leg.media { Task { await media.close() } }
        let now = Date()
        // The supervisor's own leg is what this record is of: encrypted when its SRTP was.
        if leg.answeredAt != nil, leg.srtp != nil { writes.enqueue(.cdrEncrypted(id: id)) }
        writes.enqueue(
            .cdrFinish(
                id: id, answeredAt: leg.answeredAt, endedAt: now, disposition: leg.answeredAt == nil ? .failed : .answered,
                cause: cause, hangupSide: bySupervisor ? (leg.ring == nil ? .caller : .callee) : .system))
        if leg.answeredAt != nil {
            emit(.monitorEnded(leg.snapshot, cause: cause))
            logger.notice(
                "supervisor left a call",
                metadata: ["supervisor": "\(leg.supervisor)", "target": "\(leg.target)", "cause": "\(cause)", "monitor": "\(id)"])
        }
    }
}
