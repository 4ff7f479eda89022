import Foundation
import VPBXSIP
import VPBXSignaling

/// Registering to trunks' providers (docs/trunks.md): a trunk with `register` sends REGISTER
/// for its username to its server, answers the challenge with its credentials, refreshes
/// before the registration lapses, and retries every 30 s after a failure; a trunk removed or
/// no longer registering is unregistered (Expires: 0). A trunk with several servers (SRV)
/// registers at one; when it fails (no answer, a 5xx) the next is tried at once (RFC 3263
/// §4.3), and only when all have failed does the registration wait.
extension PBXCore {
    /// Brings the registrations in line with the dial plan's trunks: new ones start, changed
    /// ones start over, removed ones are unregistered.
    func syncTrunkRegistrations() {
        let wanted = Dictionary(
            dialPlan.trunks.filter { $0.register && $0.username != nil }.map { ($0.name, $0) },
            uniquingKeysWith: { first, _ in first })
        for (name, registration) in trunkRegistrations where wanted[name] != registration.trunk {
            trunkRegistrations[name] = nil
            if case .registered = registration.state {
                leavingTrunkRegistrations[name] = registration
                sendTrunkRegister(name, leaving: true, authorization: nil)
            }
        }
        for (name, trunk) in wanted where trunkRegistrations[name] == nil {
            trunkRegistrations[name] = TrunkRegistration(
                trunk: trunk, callID: SIPIdentifiers.callID(host: configuration.advertisedHost), fromTag: SIPIdentifiers.tag())
            sendTrunkRegister(name, leaving: false, authorization: nil)
        }
    }

    /// Each registering trunk's state, by trunk name.
    public func trunkRegistrationStates() -> [String: TrunkRegistrationState] {
        trunkRegistrations.mapValues(\.state)
    }

    /// Sends a REGISTER for `name`'s account; `leaving` removes the registration (Expires: 0).
    private func sendTrunkRegister(_ name: String, leaving: Bool, authorization: (name: String, value: String)?) {
        let registrations = leaving ? leavingTrunkRegistrations : trunkRegistrations
        guard var registration = registrations[name], let username = registration.trunk.username else { return }
        let trunk = registration.trunk
        let servers = peers(of: trunk)
        guard !servers.isEmpty else {
            if leaving { leavingTrunkRegistrations[name] = nil } else {
                failTrunkRegistration(name, "its host \(trunk.host) has not resolved (yet)")
            }
            return
        }
        let peer = servers[registration.server % servers.count]
        let expires = leaving ? 0 : TrunkRegistration.requestedExpiry
        registration.cseq += 1
        if authorization == nil { registration.generation += 1 }
        if leaving { leavingTrunkRegistrations[name] = registration } else { trunkRegistrations[name] = registration }
        let registrar = Self.registrarURI(of: trunk)
        let account = NameAddress(uri: SIPURI(user: username, host: trunk.host))
        var headers = SIPHeaders()
        headers.addVia(newVia(for: peer))
        headers.add("Max-Forwards", "70")
        var from = account
        from.parameters.append(SIPParameter(name: "tag", value: registration.fromTag))
        headers.add("From", from)
        headers.add("To", account)
        headers.add("Call-ID", registration.callID)
        headers.add(CSeq(registration.cseq, .register))
        var contact = ourContact(user: username, transport: peer.transport)
        contact.uri.parameters.append(SIPParameter(name: Trunk.lineParameter, value: name))
        headers.add("Contact", contact.serialized)
        headers.add("Expires", String(expires))
        headers.add("Allow", PBXCore.allowedMethods)
        headers.add("User-Agent", configuration.userAgent)
        if let authorization { headers.add(authorization.name, authorization.value) }
        let request = SIPRequest(method: .register, uri: registrar, headers: headers)
        startClient(
            request, to: peer, purpose: .trunkRegister(name: name, generation: registration.generation, leaving: leaving))
    }

    /// The provider's answer to a REGISTER of round `generation`.
    func trunkRegisterResponse(_ response: SIPResponse, trunk name: String, generation: Int) {
        guard response.statusCode >= 200, var registration = trunkRegistrations[name],
            registration.generation == generation
        else { return }
        switch response.statusCode {
        case 200..<300:
            let granted = Self.grantedExpiry(
                in: response, ourHost: configuration.advertisedHost, default: TrunkRegistration.requestedExpiry)
            let until = Date().addingTimeInterval(TimeInterval(granted))
            var newlyRegistered = true
            if case .registered = registration.state { newlyRegistered = false }
            registration.state = .registered(until: until)
            if newlyRegistered {
                logger.notice("registered at the trunk's provider", metadata: ["trunk": "\(name)", "expires": "\(granted)"])
                emit(.trunkRegistration(trunk: name, state: registration.state))
            }
            registration.answeredNonce = nil
            registration.serversFailed = 0
            trunkRegistrations[name] = registration
            schedule(.trunkRegistration(name, generation: generation), after: TrunkRegistration.refreshDelay(forExpiry: granted))
        case 401, 407:
            guard let credentials = answer(response, for: &registration) else {
                failTrunkRegistration(name, "\(response.statusCode) \(response.reason): the provider refused the credentials")
                return
            }
            trunkRegistrations[name] = registration
            sendTrunkRegister(name, leaving: false, authorization: credentials)
        case 408, 500..<600:
            // The server's failure, not the account's: the next server, if one is left.
            let servers = peers(of: registration.trunk).count
            registration.server += 1
            registration.serversFailed += 1
            registration.answeredNonce = nil
            trunkRegistrations[name] = registration
            guard registration.serversFailed < servers else {
                failTrunkRegistration(name, "\(response.statusCode) \(response.reason)")
                return
            }
            logger.warning(
                "the trunk's server failed the registration; trying its next server",
                metadata: ["trunk": "\(name)", "status": "\(response.statusCode)"])
            sendTrunkRegister(name, leaving: false, authorization: nil)
        default:
            failTrunkRegistration(name, "\(response.statusCode) \(response.reason)")
        }
    }

    /// A refresh, or a retry after a failure, is due.
    func trunkRegistrationDue(_ name: String, generation: Int) {
        guard let registration = trunkRegistrations[name], registration.generation == generation else { return }
        sendTrunkRegister(name, leaving: false, authorization: nil)
    }

    /// The answer to removing a registration: its challenge answered once, then it is
    /// forgotten whatever the provider said (the registration lapses on its own anyway).
    func trunkUnregisterResponse(_ response: SIPResponse, trunk name: String) {
        guard response.statusCode >= 200, var registration = leavingTrunkRegistrations[name] else { return }
        if response.statusCode == 401 || response.statusCode == 407, let credentials = answer(response, for: &registration) {
            leavingTrunkRegistrations[name] = registration
            sendTrunkRegister(name, leaving: true, authorization: credentials)
            return
        }
        leavingTrunkRegistrations[name] = nil
        logger.notice(
            "unregistered from the trunk's provider", metadata: ["trunk": "\(name)", "status": "\(response.statusCode)"])
    }

    /// The header answering a REGISTER's challenge with the trunk's credentials, or nil when
    /// it cannot be answered: no digest, no credentials, or the same nonce answered already
    /// (the credentials are wrong).
    private func answer(_ response: SIPResponse, for registration: inout TrunkRegistration) -> (name: String, value: String)? {
        guard
            let answer = Self.credentials(
                of: registration.trunk, answering: response, method: .register, uri: Self.registrarURI(of: registration.trunk)),
            answer.challenge.stale || answer.challenge.nonce != registration.answeredNonce
        else { return nil }
        registration.answeredNonce = answer.challenge.nonce
        return answer.header
    }

    private func failTrunkRegistration(_ name: String, _ reason: String) {
        guard var registration = trunkRegistrations[name] else { return }
        let retryAt = Date().addingTimeInterval(TimeInterval(TrunkRegistration.retryDelay.components.seconds))
        var sameFailure = false
        if case .failed(reason, _) = registration.state { sameFailure = true }
        registration.state = .failed(reason, retryAt: retryAt)
        if !sameFailure {
            logger.error(
                "registration at the trunk's provider failed; retrying every 30 s",
                metadata: ["trunk": "\(name)", "reason": "\(reason)"])
            emit(.trunkRegistration(trunk: name, state: registration.state))
        }
        registration.answeredNonce = nil
        registration.serversFailed = 0
        trunkRegistrations[name] = registration
        schedule(.trunkRegistration(name, generation: registration.generation), after: TrunkRegistration.retryDelay)
    }

    /// The Request-URI of a trunk's REGISTER: its server (RFC 3261 §10.2).
    static func registrarURI(of trunk: Trunk) -> SIPURI {
        trunk.serverURI()
    }

    /// The registration's length the provider granted: our Contact's `expires` (the account's
    /// other bindings, a desk phone registered with it too, are listed beside ours), else the
    /// Expires header, else what was asked.
    static func grantedExpiry(in response: SIPResponse, ourHost: String, default requested: Int) -> Int {
        let addresses = (try? response.headers.contacts().addresses) ?? []
        let ours = addresses.filter { $0.uri.host == ourHost }
        for address in ours.isEmpty ? addresses : ours {
            if let seconds = address.parameters.value(named: "expires").flatMap({ $0 }).flatMap({ Int($0) }) {
                return seconds
            }
        }
        return response.headers["Expires"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? requested
    }
}
