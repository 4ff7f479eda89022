import Synchronization
import VPBXPBX

/// Host names the test has "resolved", and the names the core asked for.
final class FakeHosts: HostResolving {
    private let state = Mutex<(addresses: [String: String], asked: [String])>(([:], []))

    func address(of host: String) -> String? {
        state.withLock { state in
            state.asked.append(host)
            return state.addresses[host]
        }
    }

    func set(_ host: String, to address: String) { state.withLock { $0.addresses[host] = address } }
    var asked: [String] { state.withLock { $0.asked } }
}
