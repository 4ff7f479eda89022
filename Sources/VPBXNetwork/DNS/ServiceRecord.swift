/// Something tried in RFC 2782's order: by priority, then a weighted draw.
public protocol WeightedChoice {
    var priority: UInt16 { get }
    var weight: UInt16 { get }
}

extension Array where Element: WeightedChoice {
    /// The order to try these in (RFC 2782 "Usage rules"): lowest priority first; within
    /// one priority, a weighted random draw (one of weight 60 comes first three times as
    /// often as one of weight 20), each draw from those not yet chosen, zero weights placed
    /// first so they are drawn only when every weighted one is gone or on a draw of 0 (all
    /// weights 0: the order given).
    public func drawnInOrder<Random: RandomNumberGenerator>(using random: inout Random) -> [Element] {
        let priorities = Set(map(\.priority)).sorted()
        var order: [Element] = []
        for priority in priorities {
            var left = filter { $0.priority == priority }.sorted { $0.weight == 0 && $1.weight != 0 }
            while !left.isEmpty {
                let total = left.reduce(0) { $0 + Int($1.weight) }
                let draw = Int.random(in: 0...total, using: &random)
                var sum = 0
                let index =
                    left.firstIndex { choice in
                        sum += Int(choice.weight)
                        return sum >= draw
                    } ?? 0
                order.append(left.remove(at: index))
            }
        }
        return order
    }
}

/// One SRV record (RFC 2782): a server of a service at a domain, e.g. `_sip._udp.provider.hu`
/// served by `sbc1.provider.hu:5060`, priority 10, weight 60.
public struct ServiceRecord: Sendable, Equatable, WeightedChoice {
    public let priority: UInt16
    public let weight: UInt16
    public let port: UInt16
    public let target: String

    public init(priority: UInt16, weight: UInt16, port: UInt16, target: String) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }

    /// A target of "." says the domain decidedly offers no such service.
    public var declinesService: Bool { target == "." || target.isEmpty }

    /// The order to try `records` in (``Swift/Array/drawnInOrder(using:)``), without those
    /// that decline the service.
    public static func ordered<Random: RandomNumberGenerator>(
        _ records: [ServiceRecord], using random: inout Random
    ) -> [ServiceRecord] {
        records.filter { !$0.declinesService }.drawnInOrder(using: &random)
    }
}

/// A SIP server found for a domain: an address and its port, with its record's priority and
/// weight, so that each call can draw its own order (``Swift/Array/drawnInOrder(using:)``).
public struct ServiceServer: Sendable, Equatable, WeightedChoice {
    public let address: String
    public let port: Int
    public let priority: UInt16
    public let weight: UInt16

    public init(address: String, port: Int, priority: UInt16 = 0, weight: UInt16 = 0) {
        self.address = address
        self.port = port
        self.priority = priority
        self.weight = weight
    }
}
