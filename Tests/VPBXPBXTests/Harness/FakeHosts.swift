import Synchronization
import VPBXNetwork
import VPBXPBX

/// Host names and SRV names the test has "resolved", and the names the core asked for.
final class FakeHosts: HostResolving {
    private struct State {
        var addresses: [String: String] = [:]
        var services: [String: [ServiceServer]] = [:]
        var asked: [String] = []
    }

    private let state = Mutex(State())

    func address(of host: String) -> String? {
        state.withLock { state in
            state.asked.append(host)
            return state.addresses[host]
        }
    }

    func sipServers(of serviceName: String) -> [ServiceServer]? {
        state.withLock { state in
            state.asked.append(serviceName)
            return state.services[serviceName]
        }
    }

    func set(_ host: String, to address: String) { state.withLock { $0.addresses[host] = address } }
    /// The servers of an SRV name, in order (one priority, no weights); an empty list: the
    /// name has no records.
    func set(service name: String, to servers: [(host: String, port: Int)]) {
        set(service: name, servers: servers.map { ServiceServer(address: $0.host, port: $0.port) })
    }

    func set(service name: String, servers: [ServiceServer]) {
        state.withLock { $0.services[name] = servers }
    }
    var asked: [String] { state.withLock { $0.asked } }
}
