import CResolv

#if canImport(Glibc)
    import Glibc
#endif

/// Questions getaddrinfo does not ask (SRV records), through glibc's resolver library, and
/// every question sent to one chosen DNS server when the engine is given one
/// (`--dns-server`: a split-horizon server for the providers' names, or the tests' own).
/// Blocking: the resolver's background queue asks them.
public struct DNSQuestions: Sendable {
    /// The server to ask instead of the system's, an IPv4 address and port; nil: the system's.
    public let server: (address: String, port: Int)?

    public init(server: (address: String, port: Int)? = nil) {
        self.server = server
    }

    /// What an SRV question found.
    public enum ServiceAnswer: Sendable, Equatable {
        /// The domain's records (some may decline the service: target ".").
        case records([ServiceRecord])
        /// The name or the record type does not exist there: no SRV, use the domain's address.
        case noRecords
        /// No server answered, or it failed (SERVFAIL, a broken answer).
        case failed
    }

    /// The SRV records of `name` (`_sip._udp.provider.hu`).
    public func serviceRecords(_ name: String) -> ServiceAnswer {
        let (message, count): ([UInt8], Int32)
        switch ask(name, type: Int32(ns_t_srv.rawValue)) {
        case .answer(let bytes, let records): (message, count) = (bytes, records)
        case .nothing: return .noRecords
        case .failed: return .failed
        }
        var records: [ServiceRecord] = []
        var target = [CChar](repeating: 0, count: Int(NS_MAXDNAME))
        for index in 0..<count {
            var priority: UInt16 = 0
            var weight: UInt16 = 0
            var port: UInt16 = 0
            // Other records in the answer (a CNAME on the way) are passed over.
            guard
                vpbx_dns_srv_at(
                    message, Int32(message.count), index, &priority, &weight, &port, &target, Int32(target.count)) == 0
            else { continue }
            let name = target.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            records.append(
                ServiceRecord(priority: priority, weight: weight, port: port, target: name.isEmpty ? "." : name))
        }
        return records.isEmpty ? .noRecords : .records(records)
    }

    /// The IPv4 addresses of `host` asked of ``server`` as A records; empty when it has none
    /// or no answer came. Without a server of its own the system's getaddrinfo answers instead
    /// (`HostResolver.systemLookup`: `/etc/hosts` and IPv6 too).
    public func addresses(of host: String) -> [String] {
        guard case .answer(let message, let count) = ask(host, type: Int32(ns_t_a.rawValue)) else { return [] }
        var addresses: [String] = []
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        for index in 0..<count where vpbx_dns_a_at(message, Int32(message.count), index, &text, Int32(text.count)) == 0
        {
            addresses.append(text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        return addresses
    }

    private enum Reply {
        /// The answer's bytes and its number of answer records.
        case answer([UInt8], Int32)
        /// No such name, or no records of the type (NXDOMAIN, or NOERROR without answers).
        case nothing
        /// No server answered, or its answer was an error or did not parse.
        case failed
    }

    private func ask(_ name: String, type: Int32) -> Reply {
        var answer = [UInt8](repeating: 0, count: 4096)
        var responseCode: Int32 = -1
        let length = vpbx_dns_query(
            name, type, server?.address, Int32(server?.port ?? 0), &answer, Int32(answer.count), &responseCode)
        guard length > 0 else {
            return responseCode == Int32(ns_r_nxdomain.rawValue) || responseCode == Int32(ns_r_noerror.rawValue)
                ? .nothing : .failed
        }
        let message = Array(answer.prefix(Int(min(length, Int32(answer.count)))))
        let count = vpbx_dns_answer_count(message, Int32(message.count))
        return count > 0 ? .answer(message, count) : count == 0 ? .nothing : .failed
    }
}
