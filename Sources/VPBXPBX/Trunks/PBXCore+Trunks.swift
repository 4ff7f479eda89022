import Foundation
import VPBXNetwork
import VPBXSIP
import VPBXSignaling
import VPBXStore
import VPBXText

/// SIP trunks (docs/trunks.md): calls from a provider are taken by its address and routed by
/// the number they were sent to; calls to public numbers go out through the first outbound
/// trunk, with the trunk's credentials answering its challenge.
extension PBXCore {
    /// The trunk `source` is, by address: providers send from their server's address, often
    /// from another port than 5060, and do not answer challenges, as Asterisk's `identify`
    /// and FreeSWITCH's gateway ACLs match them. Several trunks at one address (two accounts
    /// at one provider): the first; ``trunk(sending:of:)`` tells them apart by the request.
    func trunk(sending source: SIPPeerAddress) -> Trunk? {
        guard !dialPlan.trunks.isEmpty else { return nil }
        return dialPlan.trunks.first { trunk in peers(of: trunk).contains { $0.host == source.host } }
    }

    /// The trunk a request from `source` comes through. Only trunks at that address can be
    /// it (the address is what lets it in unchallenged); of several, the one the request
    /// names: the `line` parameter of its Request-URI (the registration's Contact carries
    /// the trunk's name there, as Asterisk's `line` option does, and providers send calls to
    /// the registered Contact), else its Request-URI user being the trunk's account (a
    /// provider that drops the parameter), else the number it is sent to (Request-URI or
    /// To) being the trunk's own caller ID, else a trunk at that exact port, else the first.
    func trunk(sending source: SIPPeerAddress, of request: SIPRequest) -> Trunk? {
        guard !dialPlan.trunks.isEmpty else { return nil }
        let candidates = dialPlan.trunks.filter { trunk in peers(of: trunk).contains { $0.host == source.host } }
        guard candidates.count > 1 else { return candidates.first }
        if let line = request.uri.parameters.first(where: { $0.name.lowercased() == Trunk.lineParameter })?.value,
            let named = candidates.first(where: { $0.name == line })
        {
            return named
        }
        let user = request.uri.user
        if let user, let account = candidates.first(where: { $0.username == user }) { return account }
        let numbers = [user, (try? request.headers.to())?.uri.user].compactMap { $0.map(PublicNumber.fromNetwork) }
        if let own = candidates.first(where: { trunk in trunk.callerID.map(numbers.contains) ?? false }) { return own }
        return candidates.first { trunk in peers(of: trunk).contains { $0.port == source.port } } ?? candidates.first
    }

    /// A trunk by name.
    func trunk(named name: String) -> Trunk? {
        dialPlan.trunks.first { $0.name == name }
    }

    /// Where a trunk's requests go first (registration and checks); nil while its host name
    /// has not resolved.
    func peer(of trunk: Trunk) -> SIPPeerAddress? {
        peers(of: trunk).first
    }

    /// Every server of a trunk in the order to try them: its SRV records' (RFC 3263 §4.2),
    /// else the host at its port; empty while its names have not resolved. Over TLS the
    /// provider's certificate is checked for the host the trunk names, whichever server
    /// answers (RFC 5922 §4: the domain, not the SRV target).
    func peers(of trunk: Trunk, drawnForACall: Bool = false) -> [SIPPeerAddress] {
        let isAddress = isIPAddressText(trunk.host)
        if trunk.srv, !isAddress {
            let servers = hosts.sipServers(of: trunk.serviceName)
            if let servers, !servers.isEmpty {
                // RFC 2782 spreads calls over the servers of one priority by weight: each call
                // draws its order, while a registration keeps to the lookup's until a failure.
                var random = SystemRandomNumberGenerator()
                let ordered = drawnForACall && servers.count > 1 ? servers.drawnInOrder(using: &random) : servers
                return ordered.map {
                    SIPPeerAddress(transport: trunk.transport, host: $0.address, port: $0.port, serverName: trunk.host)
                }
            }
            // Never looked up yet: the host's own address is asked for too, so a domain
            // without SRV records is reachable as soon as its SRV answer comes.
            guard servers != nil else {
                _ = hosts.address(of: trunk.host)
                return []
            }
        }
        guard let host = isAddress ? trunk.host : hosts.address(of: trunk.host) else { return [] }
        return [SIPPeerAddress(transport: trunk.transport, host: host, port: trunk.port, serverName: trunk.host)]
    }

    /// The servers of trunk `name` as `vpbx trunk show` lists them (`192.0.2.10:5060`), in the
    /// order calls try them (those whose checks went unanswered last); nil when there is no
    /// such trunk.
    public func trunkServers(of name: String) -> [String]? {
        guard let trunk = trunk(named: name) else { return nil }
        let servers = peers(of: trunk)
        return (servers.filter { !isUnreachable(trunk, at: $0) } + servers.filter { isUnreachable(trunk, at: $0) })
            .map { "\($0.host):\($0.port)" }
    }

    /// The SRV name trunk `name`'s servers are looked up by (`_sip._udp.provider.hu`); nil
    /// when it has no such trunk or does not look them up.
    public func trunkServiceName(of name: String) -> String? {
        trunk(named: name).flatMap { $0.srv ? $0.serviceName : nil }
    }

    /// Asks for the addresses of trunks named by host name, so their first call finds them.
    func resolveTrunkHosts() {
        for trunk in dialPlan.trunks { _ = peers(of: trunk) }
    }

    /// Where a call from `trunk` to `dialled` (its Request-URI's user) goes: the route of the
    /// number in E.164 (a DID), else of the number as it came, else of its To (a provider we
    /// register at sends to our Contact, the account, and names the DID in To), else the
    /// trunk's inbound destination; nil: nothing answers it. An extension number alone is no
    /// way in: callers from outside reach extensions only through routes.
    func inboundRouting(of dialled: String, to: String?, from trunk: Trunk, at now: Date) -> Routing? {
        var candidates = [PublicNumber.fromNetwork(dialled), dialled]
        if let to { candidates.append(PublicNumber.fromNetwork(to)) }
        for candidate in candidates where dialPlan.routes[candidate] != nil {
            let routed = dialPlan.resolve(candidate, at: now)
            return Routing(target: routed.target, path: ["trunk:\(trunk.name)"] + routed.path)
        }
        guard let inbound = trunk.inbound else { return nil }
        return dialPlan.follow(inbound, path: ["trunk:\(trunk.name)"], at: now)
    }

    /// The trunks a call to `number` on behalf of extension `caller` may use at `now`, in
    /// order, with where each is reached: its outbound route's trunks in the route's order (a
    /// route is the administrator's choice: no other trunk stands in), else every trunk by
    /// priority; of those, the ones that carry calls out and whose host resolved, the ones
    /// whose checks went unanswered last (``isUnreachable(_:)``). A trunk with several servers
    /// (SRV) comes once for each, in their order.
    func outboundTrunks(for number: PublicNumber, caller: String?, at now: Date)
        -> (route: OutboundRoute?, trunks: [(trunk: Trunk, peer: SIPPeerAddress)])
    {
        let route = dialPlan.outboundRoute(for: number.e164, caller: caller, at: now)
        let candidates =
            route.map { route in route.trunks.compactMap { name in dialPlan.trunks.first { $0.name == name } } }
            ?? dialPlan.trunks
        let usable = candidates.filter(\.outbound).flatMap { trunk in
            peers(of: trunk, drawnForACall: true).map { (trunk, $0) }
        }
        return (
            route, usable.filter { !isUnreachable($0.0, at: $0.1) } + usable.filter { isUnreachable($0.0, at: $0.1) }
        )
    }

    /// What a call to `number` on behalf of `caller` would do now (`vpbx outroute test`): the
    /// outbound route that chose its trunks (nil: none matched), and the trunks it would try
    /// in order, each with the number as sent to it and the number shown.
    public func outboundChoice(for number: PublicNumber, caller: String?, at now: Date = Date())
        -> (route: String?, trunks: [(name: String, dialled: String, shown: String)])
    {
        let (route, trunks) = outboundTrunks(for: number, caller: caller, at: now)
        let dialling = OutboundDialling(number: number, route: route)
        let own = caller.flatMap { directory[$0]?.callerID }
        return (
            route?.name,
            trunks.enumerated().filter { $0.offset == 0 || trunks[$0.offset - 1].trunk.name != $0.element.trunk.name }
                .map(\.element)
                .map { ($0.trunk.name, dialling.written(for: $0.trunk), dialling.shownNumber(for: own, by: $0.trunk)) }
        )
    }

    /// What rings `number` through the first of its trunks (``outboundTrunks(for:caller:at:)``),
    /// the others kept for failover; nil when none is usable (none configured or named, or
    /// its host has not resolved).
    func trunkTarget(for number: PublicNumber, caller: String?, at now: Date) -> RingTarget? {
        let (route, trunks) = outboundTrunks(for: number, caller: caller, at: now)
        guard let (trunk, peer) = trunks.first else { return nil }
        var target = ringTarget(for: OutboundDialling(number: number, route: route), through: trunk, at: peer)
        target.nextTrunks = trunks.dropFirst().map { TrunkHop(name: $0.trunk.name, peer: $0.peer) }
        return target
    }

    /// The number `dialling` calls, written as `trunk` wants it, at its server.
    func ringTarget(for dialling: OutboundDialling, through trunk: Trunk, at peer: SIPPeerAddress) -> RingTarget {
        let contact = trunk.serverURI(user: dialling.written(for: trunk))
        var target = RingTarget(contact: contact, destination: peer, trunk: trunk.name)
        target.dialling = dialling
        return target
    }

    /// A trunk that could not carry the call (408, a 5xx, refused credentials): the number
    /// goes to the leg's next trunk (its route's, or by priority), as Asterisk's trunk
    /// sequence does, or first to the trunk's next server when it has several (RFC 3263 §4.3).
    /// The callee's own answers (busy, declined, no such number) are not retried. True when
    /// a trunk was rung.
    func failOver(_ response: SIPResponse, call: Call, leg index: Int) -> Bool {
        let leg = call.legs[index]
        guard let name = leg.trunk, let dialling = leg.dialling,
            response.statusCode == 408 || response.statusCode >= 500, response.statusCode < 600,
            call.answeredLeg == nil, call.state != .ending,
            !call.finalSentToCaller || call.handingOn
        else { return false }
        // The sequence was chosen when the call went out; a trunk removed or turned off since
        // is passed over.
        let trunks = leg.nextTrunks.compactMap { hop in
            dialPlan.trunks.first { $0.name == hop.name && $0.outbound }.map { ($0, hop.peer) }
        }
        guard let (next, peer) = trunks.first else { return false }
        logger.warning(
            "trunk failed; trying the next one",
            metadata: [
                "call": "\(call.id)", "trunk": "\(name)", "status": "\(response.statusCode)", "next": "\(next.name)",
                "server": "\(peer.host):\(peer.port)",
            ])
        var target = ringTarget(for: dialling, through: next, at: peer)
        target.nextTrunks = trunks.dropFirst().map { TrunkHop(name: $0.0.name, peer: $0.1) }
        // The offer as the call made it: without the key the failed trunk was offered (the
        // next trunk gets its own, if it speaks SRTP).
        var body = leg.invite.body
        if leg.offeredSRTPKey != nil, let offer = sdpBody(body, contentType: "application/sdp") {
            body = Array(offer.withoutSDES().serialized().utf8)
        }
        var replacement = ring(target, for: call, maxForwards: leg.invite.headers.maxForwards ?? 70, body: body)
        replacement.extensionNumber = leg.extensionNumber
        call.legs.append(replacement)
        call.path.append("trunk:\(next.name)")
        writes.enqueue(.cdrPath(id: call.id, path: call.path))
        return true
    }

    /// An extension's call to a public number: out through the first of its trunks (its
    /// outbound route's, else by priority), if the extension may call that far; refused
    /// with 403 if not, 503 without a usable trunk.
    func callOut(
        _ request: SIPRequest, key: TransactionKey, source: SIPPeerAddress, caller: String, callerName: String?,
        number: PublicNumber, at now: Date, withholdsNumber: Bool = false
    ) {
        let allowed = Self.farthestReach(of: directory[caller]?.outboundClass ?? .national)
        guard number.reach <= allowed else {
            logger.notice(
                "call out refused by the extension's outbound class",
                metadata: ["caller": "\(caller)", "number": "\(number.e164)", "reach": "\(number.reach)"])
            rejectAttempt(
                request, key: key, status: 403, reason: "Not Allowed To Call This Number", caller: caller,
                callerName: callerName, callee: number.e164, at: now)
            return
        }
        guard let target = trunkTarget(for: number, caller: caller, at: now) else {
            logger.warning(
                "no trunk for a call to a public number", metadata: ["caller": "\(caller)", "number": "\(number.e164)"])
            rejectAttempt(
                request, key: key, status: 503, reason: "No Trunk Available", caller: caller, callerName: callerName,
                callee: number.e164, at: now)
            return
        }
        startCall(
            request, key: key, source: source, caller: caller, callerName: callerName, callee: number.e164,
            dialled: number.e164, destinations: [target], noAnswerTimeout: Self.outboundNoAnswerTimeout,
            path: (withholdsNumber ? ["withheld"] : []) + ["trunk:\(target.trunk ?? "")"], at: now,
            withholdsNumber: withholdsNumber)
    }

    /// The farthest numbers an outbound class reaches (emergency numbers are in every one).
    static func farthestReach(of outboundClass: OutboundClass) -> PublicNumber.Reach {
        switch outboundClass {
        case .none: .emergency
        case .national: .national
        case .premium: .premium
        case .international: .international
        }
    }

    /// How long a number called out may ring: the network gives up first (typically after 1-3
    /// minutes), as it does for a phone dialling it directly.
    static let outboundNoAnswerTimeout = 180

    /// How far, and on whose behalf (whose outbound route), calls for `number` may go out (a
    /// transfer, a forward, a click-to-call); nil for a party that is no extension (a caller
    /// from outside never sends a call out).
    func outboundPermission(of number: String?) -> OutboundPermission? {
        number.flatMap { directory[$0] }.map {
            OutboundPermission(reach: Self.farthestReach(of: $0.outboundClass), extensionNumber: $0.number)
        }
    }

    /// What ringing extension `record` rings: its phones (``contacts(of:now:)``) and, for a
    /// mobile extension, its mobile number through its trunk (its outbound route's, as for
    /// its own calls); each names the extension (its busy lamp, and which one answered).
    func ringTargets(of record: ExtensionRecord, now: Date) -> [RingTarget] {
        // Do not disturb: nothing rings, as if it had no phone, so its forward on no answer or
        // its voicemail (the unavailable greeting) takes the call at once, else 480.
        guard !record.doNotDisturb else { return [] }
        var targets = contacts(of: record, now: now).map {
            RingTarget(contact: $0.0, destination: $0.1, extensionNumber: record.number)
        }
        if record.kind == .mobile, let mobile = record.mobileNumber.flatMap({ PublicNumber(dialled: $0) }),
            var target = trunkTarget(for: mobile, caller: record.number, at: now)
        {
            target.extensionNumber = record.number
            target.confirmationFor = record.mobileConfirm ? record.number : nil
            targets.append(target)
        }
        return targets
    }

    /// The INVITE ringing a number through `trunk`: From shows the trunk's number with the
    /// caller's name (providers refuse numbers that are not theirs), To the number dialled.
    /// `cseq` and `authorization` (header name, value) for the INVITE answering a challenge.
    /// A forwarded call (`diversion`) names the forwarding extension's public number (its
    /// own DID, else the trunk's) in a Diversion header, as providers expect (RFC 5806).
    func trunkInvite(
        for call: Call, trunk: Trunk, dialling: OutboundDialling?, contact: SIPURI, destination: SIPPeerAddress,
        maxForwards: Int, body: [UInt8], cseq: UInt32 = 1, authorization: (name: String, value: String)? = nil,
        diversion: Diversion? = nil
    ) -> SIPRequest {
        var headers = SIPHeaders()
        headers.addVia(newVia(for: destination))
        headers.add("Max-Forwards", String(maxForwards))
        let shownName = call.callerName ?? call.caller
        // The route's number when it overrides extensions' own (whoever calls); else an
        // extension's own DID if it has one; a caller from outside (forwarded to a mobile) by
        // name only, as most providers refuse numbers that are not theirs, unless the trunk
        // passes callers' numbers (the Diversion then names the exchange's); else the route's
        // number, else the trunk's.
        let exchangeNumber = dialling?.shownNumber(by: trunk) ?? trunk.shownNumber
        let overriding = dialling?.overridesExtensionCallerID == true ? dialling?.routeCallerID : nil
        let shownNumber =
            overriding
            ?? directory[call.caller]?.callerID
            ?? (trunk.passCallerID && directory[call.caller] == nil && PublicNumber.isE164(call.caller)
                ? call.caller : exchangeNumber)
        // A withheld number (CLIR, RFC 3325 with RFC 3323's privacy): anonymous to the callee,
        // the real one only to the provider, which needs it for billing and emergency calls.
        let from =
            call.withholdsNumber
            ? NameAddress(
                displayName: "Anonymous", uri: SIPURI(user: "anonymous", host: "anonymous.invalid"),
                parameters: [SIPParameter(name: "tag", value: call.calleeFromTag)])
            : NameAddress(
                displayName: shownName, uri: SIPURI(user: shownNumber, host: trunk.host),
                parameters: [SIPParameter(name: "tag", value: call.calleeFromTag)])
        headers.add("From", from)
        if call.withholdsNumber {
            headers.add("P-Asserted-Identity", NameAddress(uri: SIPURI(user: shownNumber, host: trunk.host)).serialized)
            headers.add("Privacy", "id")
        }
        headers.add("To", NameAddress(uri: contact))
        headers.add("Call-ID", call.calleeCallID)
        headers.add(CSeq(cseq, .invite))
        headers.add(
            "Contact",
            ourContact(user: call.withholdsNumber ? "anonymous" : shownNumber, transport: destination.transport)
                .serialized)
        headers.add("Allow", PBXCore.allowedMethods)
        headers.add("User-Agent", configuration.userAgent)
        if let diversion {
            let number = directory[diversion.extensionNumber]?.callerID ?? exchangeNumber
            let diverting = NameAddress(uri: SIPURI(user: number, host: trunk.host))
            headers.add("Diversion", "\(diverting.serialized);reason=\(diversion.reason.rawValue);counter=1")
        }
        if let authorization { headers.add(authorization.name, authorization.value) }
        headers.add("Content-Type", "application/sdp")
        return SIPRequest(method: .invite, uri: contact, headers: headers, body: body)
    }

    /// A trunk leg's 401 or 407: the INVITE again with the trunk's credentials (RFC 3261
    /// §22.2), once; a second challenge means they are wrong. True when it was sent.
    func answerTrunkChallenge(_ response: SIPResponse, call: Call, leg index: Int) -> Bool {
        let leg = call.legs[index]
        guard response.statusCode == 401 || response.statusCode == 407, let name = leg.trunk,
            leg.challengesAnswered == 0, call.answeredLeg == nil, call.state != .ending, !leg.cancelPending,
            let trunk = dialPlan.trunks.first(where: { $0.name == name }),
            let answer = Self.credentials(of: trunk, answering: response, method: .invite, uri: leg.contact)
        else { return false }
        let cseq = ((try? leg.invite.headers.cseq().number) ?? 1) + 1
        var invite = trunkInvite(
            for: call, trunk: trunk, dialling: leg.dialling, contact: leg.contact, destination: leg.destination,
            maxForwards: leg.invite.headers.maxForwards ?? 70, body: leg.invite.body, cseq: cseq,
            authorization: answer.header)
        // A forwarded call's reason goes with the repeated INVITE too.
        if let diversion = leg.invite.headers["Diversion"] { invite.headers.add("Diversion", diversion) }
        let key = startClient(invite, to: leg.destination, purpose: .calleeInvite(call: call.id, leg: index))
        call.legs[index].resend(invite, key: key)
        return true
    }
}

extension PBXCore {
    /// The header answering the digest challenge of `response` (a 401 or 407) to a `method`
    /// request for `uri` with `trunk`'s credentials, and the challenge answered (its nonce
    /// tells a repeated challenge); nil without credentials or a digest challenge. SHA-256
    /// when the provider offers it (RFC 8760), else its first challenge.
    static func credentials(
        of trunk: Trunk, answering response: SIPResponse, method: SIPMethod, uri: SIPURI
    ) -> (header: (name: String, value: String), challenge: DigestChallenge)? {
        let proxy = response.statusCode == 407
        let challenges = response.headers.lines(proxy ? "Proxy-Authenticate" : "WWW-Authenticate")
            .compactMap { try? DigestChallenge(parsing: $0) }
        guard let username = trunk.username, let password = trunk.password,
            let challenge = challenges.first(where: { $0.algorithm == .sha256 }) ?? challenges.first
        else { return nil }
        let credentials = DigestCredentials.answering(
            challenge, username: username, password: password, method: method.name, uri: uri.serialized,
            cnonce: SIPIdentifiers.tag())
        return ((proxy ? "Proxy-Authorization" : "Authorization", credentials.headerValue), challenge)
    }
}

/// One thing a call rings: a phone's contact, an application, or a number through a trunk.
struct RingTarget: Sendable {
    let contact: SIPURI
    let destination: SIPPeerAddress
    /// The extension whose phone this is (its busy lamp, and a queue offer ringing several
    /// must know which one answered).
    var extensionNumber: String?
    /// The trunk's name when this rings a public number through it.
    var trunk: String?
    /// Its answer counts only once its phone pressed 1 (``CalleeLeg/confirmationFor``).
    var confirmationFor: String?
    /// The trunks (or the trunk's other servers) after ``trunk``, in order, that ring the
    /// number when it cannot carry the call.
    var nextTrunks: [TrunkHop] = []
    /// The public number it rings through ``trunk`` and the route that chose it.
    var dialling: OutboundDialling?

    init(contact: SIPURI, destination: SIPPeerAddress, extensionNumber: String? = nil, trunk: String? = nil) {
        self.contact = contact
        self.destination = destination
        self.extensionNumber = extensionNumber
        self.trunk = trunk
    }
}

/// A trunk and the server of it to send to: a failover's next step.
struct TrunkHop: Sendable, Equatable {
    let name: String
    let peer: SIPPeerAddress
}

/// A public number called out, and what the outbound route that chose its trunks adds: its
/// number shown and its digits before the number. Kept with the leg, so a failover or a
/// repeated INVITE writes the number the same way for the next trunk.
struct OutboundDialling: Sendable, Equatable {
    let number: PublicNumber
    let routeCallerID: String?
    let prepend: String
    /// The route's number wins over the caller's own.
    let overridesExtensionCallerID: Bool

    init(number: PublicNumber, route: OutboundRoute?) {
        self.number = number
        routeCallerID = route?.callerID
        prepend = route?.prepend ?? ""
        overridesExtensionCallerID = route?.overridesExtensionCallerID == true && route?.callerID != nil
    }

    /// The number a call of an extension whose own number is `own` (nil: none) shows
    /// through `trunk` (`outroute test`): the route's when it overrides extensions' numbers,
    /// else the extension's own, else the route's or the trunk's.
    func shownNumber(for own: String?, by trunk: Trunk) -> String {
        (overridesExtensionCallerID ? routeCallerID : nil) ?? own ?? shownNumber(by: trunk)
    }

    /// The Request-URI's user for `trunk`: the prepend, then the number in its format.
    func written(for trunk: Trunk) -> String { prepend + number.written(trunk.numberFormat) }

    /// The number calls through `trunk` show when the caller has no DID of its own.
    func shownNumber(by trunk: Trunk) -> String { routeCallerID ?? trunk.shownNumber }
}
