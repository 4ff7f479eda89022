import VPBXNetwork
import VPBXSIP

/// Host names in static contacts (`sip:door@door.office.lan`), resolved off the core's
/// thread: the core never waits for DNS. Phones that register are reached at the address
/// their REGISTER came from and need none of this.
public protocol HostResolving: Sendable {
    /// The address `host` resolved to most recently, or nil while it has not resolved. Asks
    /// for a resolution in the background when there is none yet or the last one is due for
    /// a refresh; never blocks.
    func address(of host: String) -> String?

    /// The servers of an SRV name (`_sip._udp.provider.hu`) most recently found, each an
    /// address and a port with its record's priority and weight, in the order the lookup drew
    /// (registrations and checks keep it; each call draws its own); empty when the domain has
    /// none; nil while it was never looked up. Asks in the background as ``address(of:)`` does.
    func sipServers(of serviceName: String) -> [ServiceServer]?
}

/// No resolver: only IP addresses reach anyone (unit tests, and the default).
public struct NoHostResolution: HostResolving {
    public init() {}
    public func address(of host: String) -> String? { nil }
    public func sipServers(of serviceName: String) -> [ServiceServer]? { nil }
}

extension SIPURI {
    /// True when the host is an IP address rather than a name.
    var hostIsIPAddress: Bool { isIPAddressText(host) }
}
