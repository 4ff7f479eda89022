import Foundation
import VPBXSIP
import VPBXStore

/// Checks of trunks (Asterisk's qualify on a trunk, FreeSWITCH's gateway ping): for a trunk
/// with `qualifySeconds`, the core sends OPTIONS to the provider's server that often. Any
/// answer makes the trunk reachable, with its round-trip time; none within the check's
/// timeout (3 s) makes it unreachable. Outgoing calls try reachable trunks first and an
/// unreachable one only after all the others failed (a check may be wrong; trying costs
/// only time), so a dead provider is skipped at once instead of after its INVITE's 32 s
/// timeout. The checks share the extensions' machinery (``ContactReachability``) under the
/// name `trunk:NAME`, which no extension number can be. A trunk with several servers (SRV) has
/// each checked: calls try its answering servers before its silent ones, and the trunk is
/// reachable while any server answers. A change of the trunk's state is logged and sent as a
/// `trunk.reachability` event; a server's alone is logged.
extension PBXCore {
    static let trunkCheckPrefix = "trunk:"

    /// After a dial plan change (`previous`: the trunks before it): starts the checks of
    /// trunks that newly ask for them or whose server or interval changed (the first a second
    /// from now), and stops those of trunks that no longer do or are gone. A trunk whose
    /// checks did not change keeps its rhythm and its state: a route added elsewhere must not
    /// send every provider an OPTIONS at once.
    func syncTrunkChecks(previous: [Trunk] = []) {
        let checked = dialPlan.trunks.filter { $0.qualifySeconds > 0 }
        let wanted = Set(checked.map { Self.trunkCheckPrefix + $0.name })
        for name in qualifyGenerations.keys where name.hasPrefix(Self.trunkCheckPrefix) && !wanted.contains(name) {
            stopQualify(name)
            trunkReachabilityReported[String(name.dropFirst(Self.trunkCheckPrefix.count))] = nil
        }
        let before = Dictionary(previous.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for trunk in checked {
            let name = Self.trunkCheckPrefix + trunk.name
            if qualifyGenerations[name] != nil, let old = before[trunk.name], Self.sameChecks(old, trunk) { continue }
            let generation = (qualifyGenerations[name] ?? 0) + 1
            qualifyGenerations[name] = generation
            trunkReachabilityReported[trunk.name] = nil
            schedule(.qualify(name, generation: generation), after: .seconds(1))
        }
    }

    /// Whether two versions of a trunk are checked alike: the same server, the same interval.
    private static func sameChecks(_ a: Trunk, _ b: Trunk) -> Bool {
        a.host == b.host && a.port == b.port && a.transport == b.transport && a.qualifySeconds == b.qualifySeconds
    }

    /// A check of trunk `name` (`trunk:NAME`) is due.
    func trunkCheckDue(_ name: String, generation: Int) {
        guard qualifyGenerations[name] == generation,
            let trunk = dialPlan.trunks.first(where: { Self.trunkCheckPrefix + $0.name == name }), trunk.qualifySeconds > 0
        else { return }
        schedule(.qualify(name, generation: generation), after: .seconds(trunk.qualifySeconds))
        // A host name not resolved yet is checked at the next round.
        let uri = trunk.serverURI()
        let servers = peers(of: trunk)
        // Servers the SRV records no longer name are forgotten with their states.
        reachability.forget(name, keeping: Set(servers.map { checkKey(of: trunk, at: $0).contact }))
        for peer in servers { probe(checkKey(of: trunk, at: peer), uri: uri, at: peer) }
    }

    /// What a trunk's checks know now: nil for a trunk without checks.
    public func trunkReachability(of name: String) -> TrunkReachability? {
        guard let trunk = dialPlan.trunks.first(where: { $0.name == name }), trunk.qualifySeconds > 0 else { return nil }
        return reachability(of: trunk)
    }

    /// A trunk's state from its servers' checks: reachable while one answers (the round trip
    /// of the first that does, in the order calls try them), unreachable once all stopped.
    private func reachability(of trunk: Trunk) -> TrunkReachability {
        let statuses = peers(of: trunk).map { reachability.status(of: checkKey(of: trunk, at: $0)) }
        for status in statuses {
            if case .reachable(let roundTrip, _) = status {
                return .reachable(roundTripMilliseconds: roundTrip.map { Int($0.milliseconds) })
            }
        }
        let since = statuses.compactMap { status -> Date? in
            if case .unreachable(let since) = status { return since }
            return nil
        }
        return !since.isEmpty && since.count == statuses.count ? .unreachable(since: since.max()!) : .unknown
    }

    /// Whether the last check of `trunk`'s server `peer` went unanswered.
    func isUnreachable(_ trunk: Trunk, at peer: SIPPeerAddress) -> Bool {
        trunk.qualifySeconds > 0 && reachability.isUnreachable(checkKey(of: trunk, at: peer))
    }

    /// Logs what a check changed: a server's change, and the trunk's when that changed it.
    func reportTrunkCheck(_ change: ContactReachability.Change?, of key: ContactReachability.Key) {
        let name = String(key.extensionNumber.dropFirst(Self.trunkCheckPrefix.count))
        guard let change, let trunk = trunk(named: name) else { return }
        if peers(of: trunk).count > 1 {
            let answers: Bool = if case .becameReachable = change { true } else { false }
            logger.notice(
                answers ? "trunk server answers OPTIONS" : "trunk server did not answer OPTIONS; calls try it last",
                metadata: ["trunk": "\(name)", "server": "\(key.contact)"])
        }
        let state = reachability(of: trunk)
        let reachable: Bool
        switch state {
        case .unknown: return
        case .reachable: reachable = true
        case .unreachable: reachable = false
        }
        guard trunkReachabilityReported[name] != reachable else { return }
        trunkReachabilityReported[name] = reachable
        if case .reachable(let milliseconds) = state {
            logger.notice(
                "trunk reachable", metadata: ["trunk": "\(name)", "rtt_ms": "\(milliseconds.map(String.init) ?? "late")"])
            emit(.trunkReachability(trunk: name, reachable: true, roundTripMilliseconds: milliseconds))
        } else {
            logger.warning(
                "trunk unreachable: its servers did not answer OPTIONS; outgoing calls try the other trunks first",
                metadata: ["trunk": "\(name)"])
            emit(.trunkReachability(trunk: name, reachable: false, roundTripMilliseconds: nil))
        }
    }

    /// One server's checks: the trunk's name, its server URI and the address checked.
    private func checkKey(of trunk: Trunk, at peer: SIPPeerAddress) -> ContactReachability.Key {
        ContactReachability.Key(
            extensionNumber: Self.trunkCheckPrefix + trunk.name,
            contact: "\(trunk.serverURI().serialized) \(peer.host):\(peer.port)")
    }
}

/// A trunk's state as its checks see it (`trunk.list`).
public enum TrunkReachability: Sendable, Equatable {
    case unknown
    /// `roundTripMilliseconds` is nil when the answer came after the check had given up.
    case reachable(roundTripMilliseconds: Int?)
    case unreachable(since: Date)
}
