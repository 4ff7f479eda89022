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
/// name `trunk:NAME`, which no extension number can be. A change of state is logged and sent
/// as a `trunk.reachability` event.
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
        }
        let before = Dictionary(previous.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for trunk in checked {
            let name = Self.trunkCheckPrefix + trunk.name
            if qualifyGenerations[name] != nil, let old = before[trunk.name], Self.sameChecks(old, trunk) { continue }
            let generation = (qualifyGenerations[name] ?? 0) + 1
            qualifyGenerations[name] = generation
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
        guard let peer = peer(of: trunk) else { return }
        let uri = trunk.serverURI()
        probe(ContactReachability.Key(extensionNumber: name, contact: uri.serialized), uri: uri, at: peer)
    }

    /// What a trunk's checks know now: nil for a trunk without checks.
    public func trunkReachability(of name: String) -> TrunkReachability? {
        guard let trunk = dialPlan.trunks.first(where: { $0.name == name }), trunk.qualifySeconds > 0 else { return nil }
        switch reachability.status(of: checkKey(of: trunk)) {
        case .unknown: return .unknown
        case .reachable(let roundTrip, _): return .reachable(roundTripMilliseconds: roundTrip.map { Int($0.milliseconds) })
        case .unreachable(let since): return .unreachable(since: since)
        }
    }

    /// Whether the last check of `trunk` went unanswered.
    func isUnreachable(_ trunk: Trunk) -> Bool {
        trunk.qualifySeconds > 0 && reachability.isUnreachable(checkKey(of: trunk))
    }

    /// Logs what a check changed.
    func reportTrunkCheck(_ change: ContactReachability.Change?, of key: ContactReachability.Key) {
        let trunk = String(key.extensionNumber.dropFirst(Self.trunkCheckPrefix.count))
        switch change {
        case nil: return
        case .becameReachable(let roundTrip):
            let milliseconds = roundTrip.map { Int($0.milliseconds) }
            logger.notice(
                "trunk reachable", metadata: ["trunk": "\(trunk)", "rtt_ms": "\(milliseconds.map(String.init) ?? "late")"])
            emit(.trunkReachability(trunk: trunk, reachable: true, roundTripMilliseconds: milliseconds))
        case .becameUnreachable:
            logger.warning(
                "trunk unreachable: its server did not answer OPTIONS; outgoing calls try the other trunks first",
                metadata: ["trunk": "\(trunk)"])
            emit(.trunkReachability(trunk: trunk, reachable: false, roundTripMilliseconds: nil))
        }
    }

    private func checkKey(of trunk: Trunk) -> ContactReachability.Key {
        ContactReachability.Key(
            extensionNumber: Self.trunkCheckPrefix + trunk.name, contact: trunk.serverURI().serialized)
    }
}

/// A trunk's state as its checks see it (`trunk.list`).
public enum TrunkReachability: Sendable, Equatable {
    case unknown
    /// `roundTripMilliseconds` is nil when the answer came after the check had given up.
    case reachable(roundTripMilliseconds: Int?)
    case unreachable(since: Date)
}
