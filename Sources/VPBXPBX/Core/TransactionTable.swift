import Foundation
import VPBXSIP
import VPBXSignaling

/// Why we sent a request: tells the core what a response (or a timeout) means.
enum ClientPurpose: Sendable, Equatable {
    /// The INVITE ringing callee contact `leg` of call `call`.
    case calleeInvite(call: UUID, leg: Int)
    /// A request whose answer nobody waits for (CANCEL, BYE after the call ended).
    case fireAndForget
    /// An in-dialog request relayed from the other leg; its final answer is relayed back to
    /// the server transaction `answering`.
    case relayed(call: UUID, answering: TransactionKey, toward: CallSide)
}

/// The live transactions of the core, with the metadata needed to act on their actions.
struct TransactionTable: Sendable {
    enum Server: Sendable {
        case invite(ServerInviteTransaction)
        case nonInvite(ServerNonInviteTransaction)
    }

    enum Client: Sendable {
        case invite(ClientInviteTransaction)
        case nonInvite(ClientNonInviteTransaction)
    }

    struct ServerEntry: Sendable {
        var transaction: Server
        let source: SIPPeerAddress
    }

    struct ClientEntry: Sendable {
        var transaction: Client
        let destination: SIPPeerAddress
        let purpose: ClientPurpose
    }

    var servers: [TransactionKey: ServerEntry] = [:]
    var clients: [TransactionKey: ClientEntry] = [:]
}

/// A timer the core's queue fires.
enum CoreTimer: Sendable {
    case server(TransactionKey, TransactionTimer)
    case client(TransactionKey, TransactionTimer)
    case noAnswer(UUID)
}

extension SIPPeerAddress {
    var reliability: TransportReliability { transport == .udp ? .unreliable : .reliable }
}
