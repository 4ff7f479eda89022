import VPBXNetwork
import VPBXPBX

/// The network layer's resolver is what the core asks for the addresses of static contacts'
/// host names.
extension HostResolver: HostResolving {}
