import Foundation
import VPBXSIP
import VPBXSignaling

/// Transaction plumbing: matching messages to transactions (RFC 3261 §17.1.3, §17.2.3),
/// performing their actions, and starting new ones.
extension PBXCore {
    func handleRequest(_ request: SIPRequest, from source: SIPPeerAddress) {
        statistics.requestsReceived += 1
        if dropsBannedSource(request, from: source) { return }
        guard let key = try? TransactionKey.server(for: request) else { return }
        if request.method == .ack {
            if let entry = transactions.servers[key], case .invite = entry.transaction {
                runServer(key) { txn in txn.receive(request) }  // ACK for our non-2xx final
            } else {
                dialogAck(request)  // end-to-end ACK for a 2xx: belongs to the dialog
            }
            return
        }
        if let entry = transactions.servers[key] {
            perform(entry.transaction.receive(request), server: key, entry: entry)  // a retransmission
            return
        }
        if dropsFlood(request, from: source) { return }
        // RFC 3261 §8.2.2.2: the same out-of-dialog INVITE (Call-ID, From tag, CSeq) arriving
        // under another branch while the first is still being processed reached us twice
        // through a fork or a loop: answer 482. Limited to INVITEs in progress so a phone that
        // (wrongly) reuses its CSeq when answering a challenge is not refused.
        var registeredIdentity: RequestIdentity?
        if request.method == .invite, (try? request.headers.toTag()) == nil, let identity = RequestIdentity(request) {
            if let existing = transactions.serverByRequestIdentity[identity], existing != key,
                case .invite(let txn)? = transactions.servers[existing]?.transaction, txn.state == .proceeding
            {
                let response = SIPResponse(to: request, status: 482, toTag: SIPIdentifiers.tag())
                outbound.send(.response(response), to: source)
                return
            }
            transactions.serverByRequestIdentity[identity] = key
            registeredIdentity = identity
        }
        let reliability = source.reliability
        if request.method == .invite {
            // A new call about to be refused (call limit, overload) gets its 503 without a 100
            // first: under overload every message counts.
            let refusedAtOnce = (try? request.headers.toTag()) == nil && admission.refusal(activeCalls: calls.count) != nil
            let (txn, actions) = ServerInviteTransaction.start(
                request, reliability: reliability, timings: configuration.timings, answersAtOnce: refusedAtOnce)
            let entry = TransactionTable.ServerEntry(transaction: .invite(txn), source: source, identity: registeredIdentity)
            transactions.servers[key] = entry
            perform(actions, server: key, entry: entry)
        } else {
            let (txn, actions) = ServerNonInviteTransaction.start(request, reliability: reliability, timings: configuration.timings)
            let entry = TransactionTable.ServerEntry(transaction: .nonInvite(txn), source: source)
            transactions.servers[key] = entry
            perform(actions, server: key, entry: entry)
        }
    }

    /// A new request, after its transaction was created: the routing chain.
    func dispatchRequest(_ request: SIPRequest, key: TransactionKey, source: SIPPeerAddress) {
        if let maxForwards = request.headers.maxForwards, maxForwards <= 0, request.method != .options {
            respond(key, to: request, status: 483)
            return
        }
        if request.method != .cancel, let unsupported = unsupportedRequirements(of: request) {
            var response = SIPResponse(to: request, status: 420, toTag: SIPIdentifiers.tag())
            response.headers.add("Unsupported", unsupported.joined(separator: ", "))
            respond(key, with: response)
            return
        }
        if request.method == .subscribe {
            subscribe(request, key: key, source: source)  // in and out of dialog
            return
        }
        // A CANCEL is hop by hop, whatever its To: one of a re-INVITE carries the dialog's
        // tag, and relayed into the other dialog as a request of its own it cancelled nothing.
        if request.method == .cancel {
            cancel(request, key: key)
            return
        }
        if (try? request.headers.toTag()) != nil {
            inDialogRequest(request, key: key, source: source)
            return
        }
        switch request.method {
        case .register: register(request, key: key, source: source)
        case .invite: newCall(request, key: key, source: source)
        case .options:
            // A dispatcher probing with OPTIONS takes a draining engine out of its rotation.
            if let refusal = drainingRefusal(to: request) { return respond(key, with: refusal) }
            var response = SIPResponse(to: request, status: 200, toTag: SIPIdentifiers.tag())
            response.headers.add("Allow", PBXCore.allowedMethods)
            response.headers.add("Accept", "application/sdp")
            respond(key, with: response)
        case .bye, .info, .update, .prack, .refer, .notify:
            respond(key, to: request, status: 481)
        case .publish:
            respond(key, to: request, status: 489, reason: "Bad Event")
        default:
            var response = SIPResponse(to: request, status: 405, toTag: SIPIdentifiers.tag())
            response.headers.add("Allow", PBXCore.allowedMethods)
            respond(key, with: response)
        }
    }

    static let allowedMethods = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, UPDATE, SUBSCRIBE, NOTIFY, REFER"

    /// SIP extensions (option tags) the engine implements as a UAS: `replaces` (RFC 3891: an
    /// INVITE picking up a ringing call, a REFER's Refer-To joining two calls), not 100rel or
    /// timer. As a registrar it implements `path` (RFC 3327).
    static let supportedExtensions: Set<String> = ["replaces"]

    /// Whether the engine implements option tag `tag` (lower-cased) for `method`'s requests.
    static func supports(_ tag: String, for method: SIPMethod) -> Bool {
        supportedExtensions.contains(tag) || (method == .register && tag == "path")
    }

    /// The option tags in `request`'s Require header that the engine does not implement, or
    /// nil when there are none. RFC 3261 §8.2.2.3: such a request gets 420 Bad Extension
    /// listing them in Unsupported, and a phone that can do without them (most ask for
    /// 100rel or timer only when the other side supports it) sends it again without.
    func unsupportedRequirements(of request: SIPRequest) -> [String]? {
        guard request.headers["Require"] != nil else { return nil }
        let missing = request.headers.values("Require").filter {
            !$0.isEmpty && !Self.supports($0.lowercased(), for: request.method)
        }
        return missing.isEmpty ? nil : missing
    }

    func handleResponse(_ response: SIPResponse) {
        statistics.responsesReceived += 1
        guard let key = try? TransactionKey.client(for: response), let entry = transactions.clients[key] else {
            statistics.strayResponses += 1
            strayResponse(response)
            return
        }
        perform(entry.transaction.receive(response), client: key, entry: entry)
    }

    // MARK: Responding

    func respond(_ key: TransactionKey, to request: SIPRequest, status: Int, reason: String? = nil, toTag: String? = nil) {
        respond(key, with: SIPResponse(to: request, status: status, reason: reason, toTag: toTag ?? SIPIdentifiers.tag()))
    }

    /// Consuming: with the caller's copy still alive, adding Server copied the header array
    /// (an allocation per response), and a BYE's 200 kept that grown copy for the 32 s its
    /// transaction resends it (heaptrack: 450 bytes a call).
    func respond(_ key: TransactionKey, with response: consuming SIPResponse) {
        var response = response
        if response.headers["Server"] == nil { response.headers.add("Server", configuration.userAgent) }
        runServer(key) { txn in txn.respond(response) }
    }

    // MARK: Client side

    /// Starts a client transaction for `request` (whose top Via we set) toward `destination`.
    @discardableResult
    func startClient(_ request: SIPRequest, to destination: SIPPeerAddress, purpose: ClientPurpose) -> TransactionKey {
        let destination = reachable(destination, for: request)
        let branch = (try? request.headers.topVia().branch) ?? nil
        let key = TransactionKey(branch: branch ?? "", sentBy: "", method: request.method)
        let reliability = destination.reliability
        if request.method == .invite {
            // A relayed re-INVITE rings nobody: its transaction keeps timer B after a 100.
            var ringing = true
            if case .relayed = purpose { ringing = false }
            let (txn, actions) = ClientInviteTransaction.start(
                request, reliability: reliability, timings: configuration.timings, ringing: ringing)
            let entry = TransactionTable.ClientEntry(transaction: .invite(txn), destination: destination, purpose: purpose)
            transactions.clients[key] = entry
            perform(actions, client: key, entry: entry)
        } else {
            let (txn, actions) = ClientNonInviteTransaction.start(request, reliability: reliability, timings: configuration.timings)
            let entry = TransactionTable.ClientEntry(transaction: .nonInvite(txn), destination: destination, purpose: purpose)
            transactions.clients[key] = entry
            perform(actions, client: key, entry: entry)
        }
        return key
    }

    /// Tells the client transaction of `invite` that its CANCEL went out, so that it waits
    /// 64·T1 at most for the INVITE's final response (RFC 3261 §9.1).
    func inviteCancelled(_ invite: SIPRequest) {
        guard let branch = (try? invite.headers.topVia().branch) ?? nil else { return }
        let key = TransactionKey(branch: branch, sentBy: "", method: .invite)
        guard let entry = transactions.clients[key] else { return }
        let actions = entry.transaction.cancelSent()
        guard !actions.isEmpty else { return }
        cancelTimeoutTimer(of: entry, key: key)  // the restarted timer B replaces the first
        perform(actions, client: key, entry: entry)
    }

    /// A Via for a request we originate, with a fresh branch.
    func newVia(for destination: SIPPeerAddress) -> Via {
        Via(
            transport: destination.transport.rawValue.uppercased(), host: configuration.advertisedHost,
            port: configuration.advertisedPort(for: destination.transport),
            parameters: [SIPParameter(name: "branch", value: SIPIdentifiers.branch()), SIPParameter(name: "rport", value: nil)])
    }

    // MARK: Running state machines

    func serverTimerFired(_ key: TransactionKey, _ timer: TransactionTimer) {
        runServer(key) { txn in txn.timerFired(timer) }
    }

    func clientTimerFired(_ key: TransactionKey, _ timer: TransactionTimer) {
        runClient(key) { txn in txn.timerFired(timer) }
    }

    /// Applies `event` to the server transaction `key`, whichever kind it is, then performs
    /// the actions it returned.
    func runServer(_ key: TransactionKey, _ event: (inout TransactionTable.Server) -> [TransactionAction]) {
        guard let entry = transactions.servers[key] else { return }
        let actions = event(&entry.transaction)
        perform(actions, server: key, entry: entry)
    }

    /// Every client transaction to `peer` (its transport, address and port) still waiting
    /// for its answer fails as by a transport error (``connectionFailed(to:)``).
    func failClientTransactions(to peer: SIPPeerAddress) {
        let keys = transactions.clients.filter { _, entry in
            entry.destination.transport == peer.transport && entry.destination.host == peer.host
                && entry.destination.port == peer.port
        }.keys
        for key in keys { runClient(key) { $0.transportFailed() } }
    }

    func runClient(_ key: TransactionKey, _ event: (inout TransactionTable.Client) -> [TransactionAction]) {
        guard let entry = transactions.clients[key] else { return }
        let actions = event(&entry.transaction)
        perform(actions, client: key, entry: entry)
    }

    /// `entry` is the table's entry for `key` (a class: the caller found it already).
    private func perform(_ actions: [TransactionAction], server key: TransactionKey, entry: TransactionTable.ServerEntry) {
        for action in actions {
            switch action {
            case .sendResponse(let response):
                if response.statusCode >= 200 { forgetIdentity(of: entry, key: key) }
                outbound.send(.response(response), to: entry.source)
            case .sendSerialized(let response): outbound.send(response, to: entry.source)
            case .deliverRequest(let request): dispatchRequest(request, key: key, source: entry.source)
            case .startTimer(let timer, let delay): schedule(.server(key, timer), after: delay)
            case .ackNeverArrived: ackNeverArrived(serverKey: key)
            case .terminated:
                forgetIdentity(of: entry, key: key)
                transactions.servers[key] = nil
            case .sendRequest, .deliverResponse, .timedOut: break
            }
        }
    }

    /// How many INVITEs are registered for merged-request detection (tests).
    func mergedRequestRegistrations() -> Int { transactions.serverByRequestIdentity.count }

    /// The methods of the client transactions still in the table (tests).
    func clientTransactionMethods() -> [SIPMethod] { transactions.clients.keys.map(\.method) }

    /// Unregisters the entry's request from merged-request detection.
    private func forgetIdentity(of entry: TransactionTable.ServerEntry, key: TransactionKey) {
        guard let identity = entry.identity else { return }
        if transactions.serverByRequestIdentity[identity] == key { transactions.serverByRequestIdentity[identity] = nil }
        entry.identity = nil
    }

    private func perform(_ actions: [TransactionAction], client key: TransactionKey, entry: TransactionTable.ClientEntry) {
        for action in actions {
            switch action {
            case .sendRequest(let request): outbound.send(.request(request), to: entry.destination)
            case .deliverResponse(let response):
                if response.statusCode >= 200 { cancelTimeoutTimer(of: entry, key: key) }
                clientResponse(response, purpose: entry.purpose, key: key)
            case .timedOut:
                // Only a transaction still waiting for its final response times out, and it
                // still holds its request.
                guard let request = entry.request else { break }
                clientResponse(SIPResponse(to: request, status: 408), purpose: entry.purpose, key: key)
            case .startTimer(let timer, let delay):
                let deadline = schedule(.client(key, timer), after: delay)
                if timer == .b || timer == .f { entry.timeoutDeadline = deadline }
            case .terminated:
                cancelTimeoutTimer(of: entry, key: key)
                transactions.clients[key] = nil
            case .sendResponse, .sendSerialized, .deliverRequest, .ackNeverArrived: break
            }
        }
    }
}

/// Uniform event entry points over the two server transaction kinds. `switch consume self`
/// moves the state machine out of the enum and back instead of copying it (a copy retains
/// every string of its request and last response: 2.5 % of the engine's reference counting).
extension TransactionTable.Server {
    mutating func receive(_ request: SIPRequest) -> [TransactionAction] {
        switch consume self {
        case .invite(var txn):
            defer { self = .invite(txn) }
            return txn.receive(request)
        case .nonInvite(var txn):
            defer { self = .nonInvite(txn) }
            return txn.receive(request)
        }
    }

    mutating func respond(_ response: SIPResponse) -> [TransactionAction] {
        switch consume self {
        case .invite(var txn):
            defer { self = .invite(txn) }
            return txn.respond(response)
        case .nonInvite(var txn):
            defer { self = .nonInvite(txn) }
            return txn.respond(response)
        }
    }

    mutating func timerFired(_ timer: TransactionTimer) -> [TransactionAction] {
        switch consume self {
        case .invite(var txn):
            defer { self = .invite(txn) }
            return txn.timerFired(timer)
        case .nonInvite(var txn):
            defer { self = .nonInvite(txn) }
            return txn.timerFired(timer)
        }
    }

    mutating func acknowledged() -> [TransactionAction] {
        if case .invite(var txn) = self {
            txn.acknowledged()
            self = .invite(txn)
        }
        return []
    }
}

/// Uniform event entry points over the two client transaction kinds.
extension TransactionTable.Client {
    mutating func receive(_ response: SIPResponse) -> [TransactionAction] {
        switch consume self {
        case .invite(var txn):
            defer { self = .invite(txn) }
            return txn.receive(response)
        case .nonInvite(var txn):
            defer { self = .nonInvite(txn) }
            return txn.receive(response)
        }
    }

    mutating func timerFired(_ timer: TransactionTimer) -> [TransactionAction] {
        switch consume self {
        case .invite(var txn):
            defer { self = .invite(txn) }
            return txn.timerFired(timer)
        case .nonInvite(var txn):
            defer { self = .nonInvite(txn) }
            return txn.timerFired(timer)
        }
    }

    /// The transport could not send the request (RFC 3261 §17.1.4).
    mutating func transportFailed() -> [TransactionAction] {
        switch consume self {
        case .invite(var txn):
            defer { self = .invite(txn) }
            return txn.transportFailed()
        case .nonInvite(var txn):
            defer { self = .nonInvite(txn) }
            return txn.transportFailed()
        }
    }

    /// An INVITE's CANCEL went out (nothing for other methods).
    mutating func cancelSent() -> [TransactionAction] {
        switch consume self {
        case .invite(var txn):
            defer { self = .invite(txn) }
            return txn.cancelSent()
        case .nonInvite(let txn):
            self = .nonInvite(txn)
            return []
        }
    }
}
