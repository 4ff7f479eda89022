import VPBXNetwork
import VPBXPBX

/// The network layer's resolver is what the core asks for the addresses of static contacts'
/// host names and for trunks' servers by SRV.
extension HostResolver: HostResolving {
    public func sipServers(of serviceName: String) -> [ServiceServer]? {
        servers(of: serviceName)
    }
}
