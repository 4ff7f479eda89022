import Foundation
import VPBXSDP
import VPBXSIP
import VPBXSignaling
import VPBXStore

/// Why ``PBXCore/startMonitor(supervisor:target:mode:)`` refused.
public struct MonitorStartError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case notFound, forbidden, conflict }
    public let kind: Kind
    public let description: String
}

/// Monitoring started from the control socket (a supervisor's console): the engine rings the
/// supervisor's phone and, once it answers, attaches it to the call like a dialled `*222`.
///
/// The offer names only the call's own codec (and telephone-event), so the supervisor's phone
/// answers in it. Only the supervisor's first contact is rung: the console sits next to one
/// phone, and forking a listen-in to every device of the extension would be a surprise.
extension PBXCore {
    /// How long the supervisor's phone rings before the attempt is given up.
    static let monitorRingSeconds = 30

    public func startMonitor(supervisor: String, target: String, mode: MonitorMode) throws(MonitorStartError) -> MonitorSnapshot {
        guard let record = directory[supervisor] else {
            throw MonitorStartError(kind: .notFound, description: "extension \(supervisor) does not exist")
        }
        guard record.mayMonitor else {
            throw MonitorStartError(
                kind: .forbidden,
                description: "extension \(supervisor) may not monitor calls (vpbx ext set \(supervisor) --monitor allow)")
        }
        guard target != supervisor else {
            throw MonitorStartError(kind: .conflict, description: "an extension cannot monitor its own calls")
        }
        guard let (call, agentSide) = monitorableCall(of: target) else {
            throw MonitorStartError(kind: .notFound, description: "extension \(target) is in no answered call")
        }
        guard let callCodec = call.codec(of: agentSide), MusicOnHold.encodings.contains(callCodec.encoding.uppercased()),
            let media = call.media
        else {
            throw MonitorStartError(kind: .conflict, description: "the call's codec cannot be mixed (G.711 only)")
        }
        guard !call.convertsVoice else {
            throw MonitorStartError(kind: .conflict, description: PBXCore.bridgedCallNotMonitored)
        }
        guard monitors.values.allSatisfy({ $0.callID != call.id }) else {
            throw MonitorStartError(kind: .conflict, description: "another supervisor is on this call")
        }
        guard record.enabled, let (contact, destination) = contacts(of: record, now: Date()).first else {
            throw MonitorStartError(kind: .conflict, description: "extension \(supervisor) has no phone to ring")
        }
        var candidate = RandomUUID.make()
        while monitors[candidate] != nil || calls[candidate] != nil { candidate = RandomUUID.make() }
        let id = candidate
        let request = MonitorMediaRequest(
            callCodec: callCodec, supervisorCodec: callCodec, supervisorEventPayloadType: Self.offeredEventPayloadType,
            agentSide: agentSide.mediaSide, mode: mode)
        let placeholder = SIPRequest(method: .invite, uri: contact, headers: SIPHeaders())
        let leg = MonitorLeg(
            id: id, supervisor: supervisor, target: target, callID: call.id, agentSide: agentSide, mode: mode,
            inviteKey: TransactionKey(branch: "", sentBy: "", method: .invite), invite: placeholder,
            source: destination, dialog: nil, offer: nil,
            ring: MonitorRing(contact: contact, callID: SIPIdentifiers.callID(host: configuration.advertisedHost)),
            origin: OriginTracker(sessionID: OriginTracker.newSessionID(), address: configuration.mediaAddress),
            request: request, startedAt: Date())
        monitors[id] = leg
        let now = leg.startedAt
        writes.enqueue(
            .cdrBegin(
                CDRRecord(
                    id: id, sipCallID: leg.ring?.callID ?? "", caller: target, callerName: directory[target]?.displayName, callee: supervisor,
                    startedAt: now, path: ["monitor:\(mode.rawValue):\(target)", "ext:\(supervisor)"])))
        let post = inputSink
        Task {
            do {
                let attached = try await media.attachMonitor(request) { digit in post(.monitorKey(id, digit)) }
                post(.monitorReady(id, .success(attached)))
            } catch {
                post(.monitorReady(id, .failure(error)))
            }
        }
        return leg.snapshot
    }

    /// The payload type the offer gives telephone-event (the usual one).
    static let offeredEventPayloadType = SessionDescription.engineTelephoneEventPayloadType

    /// The engine's offer to a supervisor's phone (rung, or dialled without an offer): the
    /// monitored call's G.711 codec and telephone-event, at the monitor's port.
    func monitorOffer(codec: MusicOnHold.Codec, port: Int) -> SessionDescription {
        let placeholder = Origin(sessionID: "0", sessionVersion: 0, address: configuration.mediaAddress)
        return SessionDescription.engineOffer(
            origin: placeholder, address: configuration.mediaAddress, audioPort: port,
            codecs: [RTPMap(payloadType: codec.payloadType, encodingName: codec.encoding, clockRate: 8000)])
    }

    /// The monitor's port is bound: send the INVITE.
    func ringSupervisor(_ id: UUID) {
        guard var leg = monitors[id], let media = leg.media, var ring = leg.ring else { return }
        let offer = monitorOffer(for: &leg, port: media.port)
        let body = Array(leg.origin.stamp(offer).serialized().utf8)
        // The phone shows whom the supervisor is about to hear.
        let invite = engineInvite(
            to: ring.contact, at: leg.source, ringing: leg.supervisor, shownCaller: leg.target,
            shownName: "\(leg.mode.rawValue) \(leg.target)", callID: ring.callID, body: body)
        leg.invite = invite
        leg.inviteKey = startClient(invite, to: leg.source, purpose: .monitorInvite(monitor: id))
        ring.provisional = false
        leg.ring = ring
        monitors[id] = leg
        schedule(.monitorNoAnswer(id), after: .seconds(Self.monitorRingSeconds))
    }

    func monitorInviteResponse(_ response: SIPResponse, monitor id: UUID) {
        guard var leg = monitors[id], var ring = leg.ring else {
            lateMonitorRingResponse(response, monitor: id)
            return
        }
        switch response.statusCode {
        case 100..<200:
            ring.provisional = true
            leg.ring = ring
            monitors[id] = leg
        case 200..<300:
            guard leg.answeredAt == nil, var dialog = try? Dialog(uacInvite: leg.invite, response: response) else {
                if let ack = ring.ack { outbound.send(.request(ack), to: leg.source) }
                return
            }
            let ack = dialog.makeAck(inviteCSeq: 1, via: newVia(for: leg.source))
            outbound.send(.request(ack), to: leg.source)
            ring.ack = ack
            leg.ring = ring
            leg.dialog = dialog
            leg.answeredAt = Date()
            if let answer = sdp(of: response) {
                readMonitorAnswer(answer, of: &leg)
                if let endpoint = answer.audioEndpoint { leg.media?.setRemote(host: endpoint.address, port: endpoint.port) }
            }
            monitors[id] = leg
            monitorByDialog[DialogID(callID: dialog.callID, localTag: dialog.localTag)] = id
            writes.enqueue(.cdrAnswered(id: id, at: leg.answeredAt!))
            monitorAnswered(leg)
        default:
            logger.notice(
                "supervisor's phone did not take the monitoring call",
                metadata: ["supervisor": "\(leg.supervisor)", "status": "\(response.statusCode)", "monitor": "\(id)"])
            ring.provisional = false  // the INVITE is finished: nothing to cancel
            leg.ring = ring
            monitors[id] = leg
            endMonitor(id, cause: "\(response.statusCode) \(response.reason)")
        }
    }

    func monitorNoAnswer(_ id: UUID) {
        guard let leg = monitors[id], leg.ring != nil, leg.answeredAt == nil else { return }
        endMonitor(id, cause: "no_answer_timeout")
    }

    /// Ends the ringing of an unanswered rung leg: CANCEL now, or once a provisional arrives.
    func stopRinging(_ leg: MonitorLeg, _ ring: MonitorRing) {
        guard leg.invite.headers.callID != nil else { return }  // the INVITE never went out
        var ended = leg
        var ring = ring
        if ring.provisional {
            sendCancel(of: leg.invite, to: leg.source)
        } else {
            ring.cancelPending = true
        }
        ended.ring = ring
        endedMonitorRings[leg.id] = ended
    }

    /// A response for a rung leg that already ended.
    private func lateMonitorRingResponse(_ response: SIPResponse, monitor id: UUID) {
        guard var leg = endedMonitorRings[id], var ring = leg.ring else { return }
        switch response.statusCode {
        case 100..<200 where ring.cancelPending:
            ring.cancelPending = false
            sendCancel(of: leg.invite, to: leg.source)
        case 200..<300:
            // Answered too late (the leg ended while it rang): acknowledge and hang up at once.
            if var dialog = try? Dialog(uacInvite: leg.invite, response: response) {
                outbound.send(.request(dialog.makeAck(inviteCSeq: 1, via: newVia(for: leg.source))), to: leg.source)
                let bye = dialog.makeRequest(.bye, via: newVia(for: leg.source), contact: nil)
                sendBye(bye, to: leg.source)
            }
            endedMonitorRings[id] = nil
            return
        case 300...:
            endedMonitorRings[id] = nil
            return
        default:
            break
        }
        leg.ring = ring
        endedMonitorRings[id] = leg
    }

    /// A retransmitted 2xx for a rung leg (its client transaction ended with the first one):
    /// ACK it again. False when it belongs to no rung leg.
    func monitorStrayResponse(_ response: SIPResponse) -> Bool {
        guard (200..<300).contains(response.statusCode), (try? response.headers.cseq().method) == .invite,
            let callID = response.headers.callID,
            let leg = monitors.values.first(where: { $0.dialog?.callID == callID && $0.ring?.ack != nil }),
            let ack = leg.ring?.ack
        else { return false }
        outbound.send(.request(ack), to: leg.source)
        return true
    }
}
