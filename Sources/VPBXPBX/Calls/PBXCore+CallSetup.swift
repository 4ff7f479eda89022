import Foundation
import VPBXSDP
import VPBXSIP
import VPBXSignaling
import VPBXStore
import VPBXText

/// A new INVITE: authenticate the caller, find the callee's contacts, anchor the media, and
/// ring every contact in parallel.
extension PBXCore {
    func newCall(_ request: SIPRequest, key: TransactionKey, source: SIPPeerAddress) {
        guard admitNewCall(request, key: key) else { return }
        guard let from = try? request.headers.from(), let claimed = from.uri.user else {
            respond(key, to: request, status: 400, reason: "Bad From")
            return
        }
        let now = Date()
        let fromTrunk = trunk(sending: source, of: request)
        // A provider's call is shown and searched for by the number in E.164.
        var dialled = fromTrunk == nil ? request.uri.user ?? "" : PublicNumber.fromNetwork(request.uri.user ?? "")
        // `*31` and a number: that number, the caller's withheld (CLIR) on the public network;
        // `*32` and a number: that number, the caller's shown though its extension withholds it.
        var withholdsNumber = false
        var showsNumber = false
        if fromTrunk == nil, let number = dialPlan.featureCodes.numberWithheld(dialled) {
            (dialled, withholdsNumber) = (number, true)
        } else if fromTrunk == nil, let number = dialPlan.featureCodes.numberShown(dialled) {
            (dialled, showsNumber) = (number, true)
        }
        let caller: String
        var routing: Routing
        if let fromTrunk {
            // A provider's call: taken by its address, its caller shown in E.164.
            caller = PublicNumber.fromNetwork(claimed)
            let to = (try? request.headers.to())?.uri.user
            guard let inbound = inboundRouting(of: request.uri.user ?? "", to: to, from: fromTrunk, at: now) else {
                logger.notice(
                    "call from a trunk to a number nothing answers",
                    metadata: ["trunk": "\(fromTrunk.name)", "number": "\(request.uri.user ?? "")"])
                rejectAttempt(
                    request, key: key, status: 404, caller: caller, callerName: from.displayName,
                    callee: dialled, at: now, path: ["trunk:\(fromTrunk.name)"])
                return
            }
            routing = inbound
        } else {
            switch authenticator.check(
                request, headerName: "Proxy-Authorization", claimedUser: claimed, source: source, directory: directory)
            {
            case .challenge(let challenges):
                var response = SIPResponse(to: request, status: 407, toTag: SIPIdentifiers.tag())
                for challenge in challenges { response.headers.add("Proxy-Authenticate", challenge.headerValue) }
                respond(key, with: response)
                return
            case .forbidden(let why):
                authenticationFailed(from: source)
                logger.notice(
                    "INVITE refused", metadata: ["caller": "\(claimed)", "source": "\(source)", "reason": "\(why)"])
                respond(key, to: request, status: 403)
                return
            case .accepted(let user):
                caller = user
            }
            if request.headers["Replaces"] != nil {
                pickUpByReplacing(request, key: key, source: source, picker: caller)
                return
            }
            routing = dialPlan.featureCode(dialled, caller: caller) ?? internalRouting(of: dialled, at: now)
            withholdsNumber = withholdsNumber || (!showsNumber && directory[caller]?.withholdNumber == true)
        }
        // Forwarding set on the extension called (always, or no phone to ring).
        var diversion: Diversion?
        var forwardedBy: String?
        if case .extension(let number) = routing.target, let forward = forwardedBeforeRinging(number, at: now),
            forward.routing.target != .extension(caller)  // the forward's target calling: its call rings through
        {
            routing = Routing(target: forward.routing.target, path: routing.path + forward.routing.path)
            (diversion, forwardedBy) = (forward.diversion, forward.forwardedBy)
        }
        let callerName = directory[caller]?.displayName ?? from.displayName
        var path = routing.path.isEmpty ? nil : routing.path
        if !routing.path.isEmpty {
            emit(.callRouted(caller: caller, dialled: dialled, path: routing.path))
        }
        let callee: String
        let destinations: [RingTarget]
        let noAnswerTimeout: Int
        switch routing.target {
        case .extension(let number):
            guard let calleeRecord = directory[number] else {
                // A forward to a public number: out as far as the forwarding extension may call
                // (a provider's caller too: the extension's owner sent it there).
                if let forwardedBy, let ring = forwardRinging(routing.target, from: forwardedBy, at: now) {
                    startCall(
                        request, key: key, source: source, caller: caller, callerName: callerName, callee: ring.callee,
                        dialled: dialled, destinations: ring.targets, noAnswerTimeout: ring.timeout, path: path,
                        at: now,
                        diversion: diversion, withholdsNumber: withholdsNumber)
                    return
                }
                // Not an extension: a public number goes out through a trunk, if the caller
                // is one of ours (never a provider's caller back out: toll fraud).
                if fromTrunk == nil, routing.path.isEmpty, let number = publicNumber(number) {
                    callOut(
                        request, key: key, source: source, caller: caller, callerName: callerName, number: number,
                        at: now,
                        withholdsNumber: withholdsNumber)
                    return
                }
                rejectAttempt(
                    request, key: key, status: 404, caller: caller, callerName: callerName, callee: dialled, at: now,
                    path: path)
                return
            }
            let targets = ringTargets(of: calleeRecord, now: now)
            if calleeRecord.enabled, !targets.isEmpty {
                (callee, destinations, noAnswerTimeout) = (number, targets, calleeRecord.noAnswerTimeout)
            } else if calleeRecord.enabled, dialPlan.mailboxes.contains(number) {
                // No phone registered: straight to the unavailable greeting.
                let voicemail = Application.voicemail(mailbox: number, busy: false)
                (callee, destinations) = (
                    voicemail.user, [RingTarget(contact: voicemail.contact, destination: Application.peer)]
                )
                noAnswerTimeout = ExtensionRecord.defaultNoAnswerTimeout
                path = (path ?? []) + ["vm:\(number)"]
            } else {
                rejectAttempt(
                    request, key: key, status: 480, caller: caller, callerName: callerName, callee: dialled, at: now,
                    path: path)
                return
            }
        case .application(let application):
            // The engine's own applications are rung like a phone (docs/applications.md).
            (callee, destinations) = (
                application.user, [RingTarget(contact: application.contact, destination: Application.peer)]
            )
            noAnswerTimeout = ExtensionRecord.defaultNoAnswerTimeout
        case .pickup(let target):
            pickUpByDialling(request, key: key, source: source, picker: caller, target: target, path: routing.path)
            return
        case .parkPickup(let slot):
            pickUpParked(request, key: key, source: source, picker: caller, slot: slot, path: routing.path)
            return
        case .monitor(let mode, let target):
            startMonitor(
                request, key: key, source: source, supervisor: caller, mode: mode, target: target, path: routing.path)
            return
        case .hangup:
            rejectAttempt(
                request, key: key, status: 480, caller: caller, callerName: callerName, callee: dialled, at: now,
                path: path)
            return
        case .unroutable(let why):
            logger.error("call cannot be routed", metadata: ["dialled": "\(dialled)", "reason": "\(why)"])
            rejectAttempt(
                request, key: key, status: 500, caller: caller, callerName: callerName, callee: dialled, at: now,
                path: path)
            return
        }
        startCall(
            request, key: key, source: source, caller: caller, callerName: callerName, callee: callee, dialled: dialled,
            destinations: destinations, noAnswerTimeout: noAnswerTimeout, path: path, at: now, diversion: diversion,
            withholdsNumber: withholdsNumber, callerTrunk: fromTrunk?.name)
    }

    /// `dialled` read as a public number the way the exchange's phones dial them: complete
    /// numbers, and with the dial plan's ``LocalDialling`` the area's local numbers and the
    /// outside-line prefix.
    func publicNumber(_ dialled: String) -> PublicNumber? {
        PublicNumber(dialled: dialled, local: dialPlan.localDialling)
    }

    /// An extension's call: its dial plan, and a public number that is one of the exchange's
    /// own (a DID dialled from inside) routed as if it came in, not out and back.
    func internalRouting(of dialled: String, at now: Date) -> Routing {
        if !dialPlan.trunks.isEmpty, dialPlan.routes[dialled] == nil, directory[dialled] == nil,
            let number = publicNumber(dialled), dialPlan.routes[number.e164] != nil
        {
            return dialPlan.resolve(number.e164, at: now)
        }
        return dialPlan.resolve(dialled, at: now)
    }

    /// Anchors the media of a call that will ring `destinations`, and rings them once it is.
    func startCall(
        _ request: SIPRequest, key: TransactionKey, source: SIPPeerAddress, caller: String, callerName: String?,
        callee: String, dialled: String, destinations: [RingTarget], noAnswerTimeout: Int, path: [String]?,
        at now: Date,
        diversion: Diversion? = nil, withholdsNumber: Bool = false, callerTrunk: String? = nil
    ) {
        let offer: SessionDescription
        let lateOffer = request.body.isEmpty
        do {
            if lateOffer {
                // A late offer (RFC 3261 §13.2.1): the engine offers to the callee itself, the
                // caller gets the callee's answer as the offer in its 2xx and answers in its ACK.
                offer = lateOfferStandIn()
            } else {
                guard request.headers.contentType?.lowercased().hasPrefix("application/sdp") == true else {
                    rejectAttempt(
                        request, key: key, status: 488, reason: "SDP Required", caller: caller,
                        callerName: callerName, callee: dialled, at: now, path: path)
                    return
                }
                offer = try SessionDescription(parsing: String(decoding: request.body, as: UTF8.self)).requiringVoice()
            }
        } catch {
            rejectAttempt(
                request, key: key, status: 488, caller: caller, callerName: callerName, callee: dialled, at: now,
                path: path)
            return
        }
        let localTag = SIPIdentifiers.tag()
        guard let dialog = try? Dialog(uasInvite: request, localTag: localTag) else {
            respond(key, to: request, status: 400)
            return
        }
        var candidate = RandomUUID.make(at: now)
        while calls[candidate] != nil { candidate = RandomUUID.make(at: now) }  // never let two calls share a slot
        let id = candidate
        let call = Call(
            id: id, caller: caller, callerName: callerName, callee: callee, inviteKey: key, invite: request,
            callerSource: source, callerDialog: dialog, offer: offer,
            callerOrigin: OriginTracker(
                sessionID: OriginTracker.newSessionID(), address: configuration.mediaAddress),
            calleeOrigin: OriginTracker(
                sessionID: OriginTracker.newSessionID(), address: configuration.mediaAddress),
            startedAt: now, noAnswerTimeout: noAnswerTimeout,
            calleeCallID: SIPIdentifiers.callID(host: configuration.advertisedHost), calleeFromTag: SIPIdentifiers.tag()
        )
        calls[id] = call
        call.lateOffer = lateOffer
        call.initialDiversion = diversion
        call.forwardedFrom = diversion?.extensionNumber
        call.withholdsNumber = withholdsNumber
        call.callerTrunk = callerTrunk
        call.path = path ?? []
        callByInvite[key] = id
        callByDialog[DialogID(callID: dialog.callID, localTag: localTag)] = id
        callByDialog[DialogID(callID: call.calleeCallID, localTag: call.calleeFromTag)] = id
        statistics.callsStarted += 1
        pendingDestinations[id] = destinations
        let cdr = CDRRecord(
            id: id, sipCallID: request.headers.callID ?? "", caller: caller, callerName: callerName, callee: dialled,
            startedAt: now, path: path)
        writes.enqueue(.cdrBegin(cdr))
        emit(.callStarted(call.snapshot))
        let factory = mediaFactory
        // Capture the input sink, not the actor: the media session's timeout callback must not
        // keep the core alive.
        let post = inputSink
        // A late offer's caller has no address yet: the relay latches to its first packet.
        let callerMedia = lateOffer ? nil : offer.audioEndpoint.map { MediaAddress(host: $0.address, port: $0.port) }
        let onTimeout: @Sendable () -> Void = { post(.mediaTimeout(id)) }
        // Under load the relay has a parked socket set ready: the callee's INVITE goes out in
        // this batch, with no round trip to the relay's thread and back first.
        if let session = factory.makeSessionAtOnce(callerMedia: callerMedia, onTimeout: onTimeout) {
            mediaReady(call: id, .success(session))
            return
        }
        factory.makeSession(callerMedia: callerMedia, onTimeout: onTimeout) { result in
            post(.mediaReady(id, result))
        }
    }

    /// What stands for the caller's offer when its INVITE had none: the engine's own offer.
    /// Only its media lines matter; anchoring gives it each leg's address and port, and the
    /// leg's origin tracker its `o=` line.
    func lateOfferStandIn() -> SessionDescription {
        let placeholder = Origin(sessionID: "0", sessionVersion: 0, address: configuration.mediaAddress)
        return SessionDescription.engineOffer(origin: placeholder, address: configuration.mediaAddress, audioPort: 9)
    }

    /// Where to ring an extension: its live registrations, then its static contact, less
    /// those its contact checks found unreachable (PBXCore+Qualify).
    func contacts(of record: ExtensionRecord, now: Date) -> [(SIPURI, SIPPeerAddress)] {
        let targets = allContacts(of: record, now: now)
        guard record.qualifySeconds > 0 else { return targets.map { ($0.uri, $0.destination) } }
        return targets.filter {
            !reachability.isUnreachable(ContactReachability.Key(extensionNumber: record.number, contact: $0.text))
        }.map { ($0.uri, $0.destination) }
    }

    /// An extension's contacts: its live registrations, then its static contact.
    func allContacts(
        of record: ExtensionRecord, now: Date
    ) -> [(uri: SIPURI, text: String, destination: SIPPeerAddress, registered: Bool)] {
        var result = bindings.bindings(for: record.number, now: now).map {
            (uri: $0.contact, text: $0.contactText, destination: destination(of: $0), registered: true)
        }
        if let text = record.staticContact, let uri = try? SIPURI(parsing: text) {
            let transport = SIPPeerAddress.Transport(of: uri)
            // A host name keeps its name in the Request-URI; the datagrams go to its address.
            if let host = uri.hostIsIPAddress ? uri.host : hosts.address(of: uri.host) {
                result.append(
                    (
                        uri: uri, text: text,
                        destination: SIPPeerAddress(
                            transport: transport, host: host, port: uri.port ?? transport.defaultPort),
                        registered: false
                    ))
            } else {
                logger.warning(
                    "static contact's host has not resolved (yet); not rung",
                    metadata: ["extension": "\(record.number)", "host": "\(uri.host)"])
            }
        }
        return result
    }

    /// Asks for the addresses of static contacts named by host name, so that the first call
    /// to one does not find it unresolved.
    func resolveStaticContactHost(of record: ExtensionRecord) {
        guard let text = record.staticContact, let uri = try? SIPURI(parsing: text), !uri.hostIsIPAddress else {
            return
        }
        _ = hosts.address(of: uri.host)
    }

    /// A call attempt that never rings anything still leaves a CDR row.
    func rejectAttempt(
        _ request: SIPRequest, key: TransactionKey, status: Int, reason: String? = nil, caller: String,
        callerName: String?,
        callee: String, at now: Date, path: [String]? = nil
    ) {
        let response = SIPResponse(to: request, status: status, reason: reason, toTag: SIPIdentifiers.tag())
        respond(key, with: response)
        let id = RandomUUID.make(at: now)
        let cdr = CDRRecord(
            id: id, sipCallID: request.headers.callID ?? "", caller: caller, callerName: callerName, callee: callee,
            startedAt: now, path: path)
        let cause = "\(status) \(response.reason)"
        writes.enqueue([
            .cdrBegin(cdr),
            .cdrFinish(id: id, answeredAt: nil, endedAt: now, disposition: .failed, cause: cause, hangupSide: .system),
        ])
    }

    func mediaReady(call id: UUID, _ result: Result<any MediaSession, any Error>) {
        guard let call = calls[id], call.state != .ending else {
            if case .success(let session) = result { session.closeWithoutWaiting() }
            return
        }
        let destinations = pendingDestinations.removeValue(forKey: id) ?? []
        guard case .success(let session) = result else {
            if case .failure(let error) = result {
                logger.error("no media ports for call", metadata: ["call": "\(id)", "error": "\(error)"])
            }
            endCall(id, cause: "no_media_ports", side: .system, disposition: .failed, callerStatus: 503)
            return
        }
        call.media = session  // its A side already expects the caller's offer address
        let maxForwards = (call.invite.headers.maxForwards ?? 70) - 1
        // Both G.711 laws for phones: a callee that has only the other one is bridged, not
        // refused. The engine's own applications speak both, so they answer in the caller's.
        let toApplication = destinations.contains { $0.destination.host == Application.host }
        let passedOn = terminateCallerSRTPIfNeeded(call, destinations: destinations, media: session)
        let offer = toApplication ? passedOn : offerForCallees(passedOn, of: call, media: session)
        let sdp = call.calleeOrigin.stamp(offer.anchored(at: configuration.mediaAddress, audioPort: session.bPort))
        let body = Array(sdp.serialized().utf8)
        for target in destinations {
            call.legs.append(
                ring(target, for: call, maxForwards: maxForwards, body: body, diversion: call.initialDiversion))
        }
        noteDialogChange()
        armNoAnswerTimer(of: call, id: id, after: .seconds(call.noAnswerTimeout))
    }

    /// Sends the INVITE ringing `target` as the call's next leg (through its trunk if it names
    /// one, see PBXCore+Trunks) and returns the leg, for the caller to add.
    func ring(
        _ target: RingTarget, for call: Call, maxForwards: Int, body: [UInt8], diversion: Diversion? = nil
    ) -> CalleeLeg {
        // A phone of an extension that wants SRTP is offered the engine's key.
        let (body, offeredSRTPKey) = calleeBody(body, for: target)
        let trunk = target.trunk.flatMap { name in dialPlan.trunks.first { $0.name == name } }
        // A mobile extension's own number rung through a trunk: the extension "follows" its user.
        let followMe = target.extensionNumber.map { Diversion(extensionNumber: $0, reason: .followMe) }
        let invite =
            if let trunk {
                trunkInvite(
                    for: call, trunk: trunk, dialling: target.dialling, contact: target.contact,
                    destination: target.destination,
                    maxForwards: maxForwards, body: body, diversion: diversion ?? followMe)
            } else {
                calleeInvite(
                    for: call, contact: target.contact, destination: target.destination, maxForwards: maxForwards,
                    body: body, diversion: diversion)
            }
        let key = startClient(
            invite, to: target.destination, purpose: .calleeInvite(call: call.id, leg: call.legs.count))
        var leg = CalleeLeg(
            contact: target.contact, destination: target.destination, invite: invite, transactionKey: key)
        leg.trunk = trunk?.name
        leg.nextTrunks = target.nextTrunks
        leg.dialling = target.dialling
        leg.offeredSRTPKey = offeredSRTPKey
        // The extension whose phone or mobile this is (an application's leg, or a number
        // called out, names none): its busy lamp, and which one answered a queue's offer.
        leg.extensionNumber = target.extensionNumber
        // A mobile is asked to press 1 for the extension that wants it: a mobile extension's
        // own mobile, or a number out through a trunk that an extension forwards to.
        leg.confirmationFor =
            target.confirmationFor
            ?? diversion.flatMap {
                trunk != nil && directory[$0.extensionNumber]?.mobileConfirm == true ? $0.extensionNumber : nil
            }
        return leg
    }

    /// `diversion`: the extension the call was for and why it rings here instead, named in
    /// a Diversion header (RFC 5806) so the phone can show whom the call was for.
    func calleeInvite(
        for call: Call, contact: SIPURI, destination: SIPPeerAddress, maxForwards: Int, body: [UInt8],
        diversion: Diversion? = nil
    ) -> SIPRequest {
        var headers = SIPHeaders()
        headers.addVia(newVia(for: destination))
        headers.add("Max-Forwards", String(maxForwards))
        let from = NameAddress(
            displayName: call.callerName, uri: SIPURI(user: call.caller, host: configuration.advertisedHost),
            parameters: [SIPParameter(name: "tag", value: call.calleeFromTag)])
        headers.add("From", from)
        headers.add("To", NameAddress(uri: SIPURI(user: call.callee, host: configuration.advertisedHost)))
        headers.add("Call-ID", call.calleeCallID)
        headers.add(CSeq(1, .invite))
        headers.add("Contact", ourContact(user: call.caller, transport: destination.transport).serialized)
        headers.add("Allow", PBXCore.allowedMethods)
        headers.add("User-Agent", configuration.userAgent)
        if let diversion {
            let diverting = NameAddress(
                uri: SIPURI(user: diversion.extensionNumber, host: configuration.advertisedHost))
            headers.add("Diversion", "\(diverting.serialized);reason=\(diversion.reason.rawValue);counter=1")
        }
        if let referredBy = call.transfer?.referredBy { headers.add("Referred-By", referredBy) }
        headers.add("Content-Type", "application/sdp")
        addPathRoute(toContact: contact.serialized, to: &headers)
        if destination.host == Application.host {
            // The engine's own applications speak the caller's language.
            headers.add(Application.languageHeader, directory[call.caller]?.language == .en ? "en" : "hu")
            headers.add(Application.callHeader, call.id.lowercaseText)
        }
        return SIPRequest(method: .invite, uri: contact, headers: headers, body: body)
    }

    /// An INVITE the engine sends on its own (not on a caller's behalf) to ring one phone: a
    /// supervisor's for monitoring, the asking phone of a click-to-call. `shownCaller` is who
    /// the phone shows as calling (its number also names our Contact), `extraHeaders` come
    /// before the SDP body.
    func engineInvite(
        to contact: SIPURI, at destination: SIPPeerAddress, ringing user: String, shownCaller: String,
        shownName: String?, callID: String, body: [UInt8], extraHeaders: [(String, String)] = []
    ) -> SIPRequest {
        var headers = SIPHeaders()
        headers.addVia(newVia(for: destination))
        headers.add("Max-Forwards", "70")
        headers.add(
            "From",
            NameAddress(
                displayName: shownName, uri: SIPURI(user: shownCaller, host: configuration.advertisedHost),
                parameters: [SIPParameter(name: "tag", value: SIPIdentifiers.tag())]))
        headers.add("To", NameAddress(uri: SIPURI(user: user, host: configuration.advertisedHost)))
        headers.add("Call-ID", callID)
        headers.add(CSeq(1, .invite))
        headers.add("Contact", ourContact(user: shownCaller, transport: destination.transport).serialized)
        headers.add("Allow", PBXCore.allowedMethods)
        headers.add("User-Agent", configuration.userAgent)
        for (name, value) in extraHeaders { headers.add(name, value) }
        headers.add("Content-Type", "application/sdp")
        addPathRoute(toContact: contact.serialized, to: &headers)
        return SIPRequest(method: .invite, uri: contact, headers: headers, body: body)
    }

    func ourContact(user: String, transport: SIPPeerAddress.Transport) -> NameAddress {
        var uri = SIPURI(
            user: user, host: configuration.advertisedHost, port: configuration.advertisedPort(for: transport))
        if transport.isStream { uri.parameters.append(SIPParameter(name: "transport", value: transport.rawValue)) }
        return NameAddress(uri: uri)
    }
}
