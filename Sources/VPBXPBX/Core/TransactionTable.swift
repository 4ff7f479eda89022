import Foundation
import VPBXSIP
import VPBXSignaling

/// Why we sent a request: tells the core what a response (or a timeout) means.
enum ClientPurpose: Sendable, Equatable {
    /// The INVITE ringing callee contact `leg` of call `call`.
    case calleeInvite(call: UUID, leg: Int)
    /// A request whose answer nobody waits for (CANCEL, BYE after the call ended).
    case fireAndForget
    /// A BYE to a trunk's provider, kept to answer a challenge of it once
    /// (PBXCore+TrunkByeChallenge). Boxed, as `relayed`.
    indirect case trunkBye(SIPRequest, to: SIPPeerAddress, trunk: String)
    /// An in-dialog request relayed from the other leg; its final answer is relayed back to
    /// the server transaction `answering`. Boxed (`indirect`): inline, its key made every
    /// client entry 32 bytes larger, for a case only re-INVITEs and the like use.
    indirect case relayed(call: UUID, answering: TransactionKey, toward: CallSide)
    /// The INVITE ringing a supervisor's phone for monitoring leg `monitor`.
    case monitorInvite(monitor: UUID)
    /// The INVITE ringing the phone of click-to-call `call` (PBXCore+Originate).
    case originationInvite(UUID)
    /// The re-INVITE moving call `donor`'s callee into another call (attended transfer).
    case joinReInvite(donor: UUID)
    /// A contact check (OPTIONS) of an extension's contact.
    case qualify(ContactReachability.Key, probe: Int)
    /// A REGISTER of the exchange at trunk `name`'s provider, of registration round
    /// `generation`; `leaving`: the one removing the registration (Expires: 0).
    case trunkRegister(name: String, generation: Int, leaving: Bool)
}

/// The live transactions of the core, with the metadata needed to act on their actions.
/// Owned by the core's actor and never leaves it.
struct TransactionTable {
    enum Server: Sendable {
        case invite(ServerInviteTransaction)
        case nonInvite(ServerNonInviteTransaction)
    }

    enum Client: Sendable {
        case invite(ClientInviteTransaction)
        case nonInvite(ClientNonInviteTransaction)
    }

    /// A class so the state machines are advanced in place in the table: as structs, every
    /// message and timer copied the entry (its request, last response and Via list) out of the
    /// dictionary and back, which showed as about 3 % of the core's time under call load.
    final class ServerEntry {
        var transaction: Server
        let source: SIPPeerAddress
        /// Set while the request is registered for merged-request detection, which only
        /// looks at INVITEs still proceeding: unregistered with the final response, not kept
        /// for the 32 s the transaction then waits (about 200 bytes a call).
        var identity: RequestIdentity? {
            get { identityBox?.identity }
            set { identityBox = newValue.map(IdentityBox.init) }
        }
        /// Boxed: inline, the identity's room (56 bytes) stayed in every entry for its 32 s
        /// of waiting, though it is nil by then.
        private var identityBox: IdentityBox?

        init(transaction: Server, source: SIPPeerAddress, identity: RequestIdentity? = nil) {
            self.transaction = transaction
            self.source = source
            self.identity = identity
        }

        private final class IdentityBox {
            let identity: RequestIdentity
            init(_ identity: RequestIdentity) { self.identity = identity }
        }

        /// The request until the transaction has sent (and, for an INVITE, had acknowledged)
        /// its final response; nil in the wait states after that.
        var originalRequest: SIPRequest? {
            switch transaction {
            case .invite(let txn): txn.request
            case .nonInvite(let txn): txn.request
            }
        }
    }

    /// A class for the same reason as ``ServerEntry``.
    final class ClientEntry {
        var transaction: Client
        let destination: SIPPeerAddress
        let purpose: ClientPurpose
        /// When timer B or F (the transaction's timeout) is due, until a final response makes
        /// it stale and it is taken out of the timer wheel (``PBXCore/cancelTimeoutTimer(of:key:)``).
        var timeoutDeadline: ContinuousClock.Instant?
        /// For a relayed re-INVITE: what its 2xx needs to be ACKed.
        var relayedInvite: RelayedInvite?
        /// For a request relayed to a trunk's provider: itself, to answer a challenge.
        var trunkChallenge: TrunkChallengeable?

        init(transaction: Client, destination: SIPPeerAddress, purpose: ClientPurpose) {
            self.transaction = transaction
            self.destination = destination
            self.purpose = purpose
        }

        /// The request until a final response arrived; nil in the wait states after that.
        var request: SIPRequest? {
            switch transaction {
            case .invite(let txn): txn.request
            case .nonInvite(let txn): txn.request
            }
        }
    }

    var servers: [TransactionKey: ServerEntry] = [:]
    var clients: [TransactionKey: ClientEntry] = [:]
    /// Out-of-dialog requests by (Call-ID, From tag, CSeq) → the transaction that owns them,
    /// to spot the same request arriving again by another path (RFC 3261 §8.2.2.2).
    var serverByRequestIdentity: [RequestIdentity: TransactionKey] = [:]
    /// A re-INVITE's server transaction → the client transaction relaying it, until the other
    /// phone's final answer: so that a CANCEL of the re-INVITE is passed on.
    var relayedInviteByServer: [TransactionKey: TransactionKey] = [:]
}

/// What makes two out-of-dialog requests "the same request" for merged-request detection.
struct RequestIdentity: Hashable, Sendable {
    let callID: String
    let fromTag: String
    let cseq: UInt32
    let method: SIPMethod

    init?(_ request: SIPRequest) {
        guard let callID = request.headers.callID, let fromTag = try? request.headers.fromTag(),
            let cseq = try? request.headers.cseq()
        else { return nil }
        self.callID = callID
        self.fromTag = fromTag
        self.cseq = cseq.number
        self.method = cseq.method
    }
}

/// A timer the core's queue fires.
enum CoreTimer: Sendable {
    case server(TransactionKey, TransactionTimer)
    case client(TransactionKey, TransactionTimer)
    case noAnswer(UUID)
    /// A supervisor's phone rung for monitoring did not answer in time.
    case monitorNoAnswer(UUID)
    /// An answered mobile asked to press 1 for its call did not in time (PBXCore+MobileConfirm).
    case confirmationTimeout(UUID)
    /// The phone rung for a click-to-call did not answer in time.
    case originationNoAnswer(UUID)
    /// The next contact checks of an extension are due.
    case qualify(String, generation: Int)
    /// A contact check went unanswered long enough.
    case qualifyTimeout(ContactReachability.Key, probe: Int)
    /// A trunk's registration is due for a refresh or a retry.
    case trunkRegistration(String, generation: Int)
}

extension SIPPeerAddress {
    var reliability: TransportReliability { transport == .udp ? .unreliable : .reliable }
}
