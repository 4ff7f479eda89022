import Dispatch
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Host names and SIP services resolved in the background, with the answers kept for callers
/// that must not wait (the PBX core: static contacts named by host name, trunks' servers).
///
/// Like Asterisk's DNS manager: the first question starts a lookup and gets nil; a name is
/// looked up again every `refresh` (5 minutes) while it is asked for, and 30 s after a lookup
/// failed. A failed lookup keeps the last answer that worked.
public final class HostResolver: Sendable {
    /// Host name to addresses, best first; empty when the name does not resolve. Blocking.
    public typealias Lookup = @Sendable (String) -> [String]
    /// An SRV name (`_sip._udp.provider.hu`) to its records. Blocking.
    public typealias ServiceLookup = @Sendable (String) -> DNSQuestions.ServiceAnswer

    private let queue = DispatchQueue(label: "vpbx.host-resolver", qos: .utility)
    private let hosts: BackgroundLookups<String>
    private let services: BackgroundLookups<[ServiceServer]>

    public init(
        logger: Logger, refresh: Duration = .seconds(300), retry: Duration = .seconds(30),
        lookup: @escaping Lookup = HostResolver.systemLookup,
        serviceLookup: @escaping ServiceLookup = DNSQuestions().serviceRecords,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        hosts = BackgroundLookups(
            queue: queue, refresh: refresh, retry: retry, now: now, lookup: { lookup($0).first },
            report: { host, found, previous in Self.reportHost(host, found, previous, retry: retry, logger) })
        // A failed SRV question (no answer, SERVFAIL, a server refusing the type) with nothing
        // found before is taken as no records: the domain's own address, as before SRV.
        services = BackgroundLookups(
            queue: queue, refresh: refresh, retry: retry, now: now, whenFailed: [],
            lookup: { name in Self.servers(serviceLookup(name), lookup: lookup) },
            report: { name, found, previous in Self.reportService(name, found, previous, logger) })
    }

    /// One resolver for the engine: the system's, or every question asked of `dnsServer`.
    public convenience init(logger: Logger, dnsServer: (address: String, port: Int)?) {
        guard let dnsServer else {
            self.init(logger: logger)
            return
        }
        let questions = DNSQuestions(server: dnsServer)
        self.init(logger: logger, lookup: questions.addresses, serviceLookup: questions.serviceRecords)
    }

    /// The address `host` resolved to most recently, or nil while none; starts a lookup in the
    /// background when the name was never looked up or its last lookup is due for renewal.
    public func address(of host: String) -> String? {
        hosts.value(for: host)
    }

    /// The servers an SRV name (`_sip._udp.provider.hu`) has, in the order to try them, each
    /// target at its address (RFC 3263 §4.2); empty when the domain has no such records (or
    /// none whose target resolves): its own address then. Nil while never looked up.
    public func servers(of serviceName: String) -> [ServiceServer]? {
        services.value(for: serviceName)
    }

    /// Waits until no lookup is running (tests, and a clean order at start-up).
    public func waitForLookups() {
        queue.sync {}
    }

    /// The records in RFC 2782's order, each target at its first address; nil when the
    /// question failed (the last answer is kept).
    private static func servers(_ answer: DNSQuestions.ServiceAnswer, lookup: Lookup) -> [ServiceServer]? {
        switch answer {
        case .failed: return nil
        case .noRecords: return []
        case .records(let records):
            var random = SystemRandomNumberGenerator()
            return ServiceRecord.ordered(records, using: &random).compactMap { record in
                lookup(record.target).first.map {
                    ServiceServer(address: $0, port: Int(record.port), priority: record.priority, weight: record.weight)
                }
            }
        }
    }

    private static func reportHost(
        _ host: String, _ found: String?, _ previous: String?, retry: Duration, _ logger: Logger
    ) {
        switch (found, previous) {
        case (nil, nil):
            logger.warning("host name does not resolve; retrying in \(retry)", metadata: ["host": "\(host)"])
        case (nil, let kept?):
            logger.warning(
                "host name no longer resolves; keeping its last address",
                metadata: ["host": "\(host)", "address": "\(kept)"])
        case (let address?, let previous) where address != previous:
            logger.info("host name resolved", metadata: ["host": "\(host)", "address": "\(address)"])
        default:
            break
        }
    }

    private static func reportService(
        _ name: String, _ found: [ServiceServer]?, _ previous: [ServiceServer]?, _ logger: Logger
    ) {
        guard let found else {
            logger.warning(
                "SRV lookup failed; keeping what it found before, else using the domain's own address",
                metadata: ["name": "\(name)"])
            return
        }
        guard found != previous else { return }
        guard !found.isEmpty else {
            logger.info(
                "no SRV records (or none whose target resolves): the domain's own address is used",
                metadata: ["name": "\(name)"])
            return
        }
        let servers = found.map { "\($0.address):\($0.port)" }.joined(separator: ", ")
        logger.info("SRV records resolved", metadata: ["name": "\(name)", "servers": "\(servers)"])
    }

    /// The system resolver (`getaddrinfo`: `/etc/hosts`, then DNS A and AAAA records). IPv4
    /// addresses come first: the engine's SIP listens on an IPv4 address unless told otherwise.
    @Sendable public static func systemLookup(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var ipv4: [String] = []
        var ipv6: [String] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            next = info.pointee.ai_next
            guard let address = info.pointee.ai_addr else { continue }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            switch info.pointee.ai_family {
            case AF_INET:
                var ip = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                guard inet_ntop(AF_INET, &ip, &text, socklen_t(text.count)) != nil else { continue }
                ipv4.append(text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
            case AF_INET6:
                var ip = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                guard inet_ntop(AF_INET6, &ip, &text, socklen_t(text.count)) != nil else { continue }
                ipv6.append(text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
            default:
                continue
            }
        }
        var unique: [String] = []
        for address in ipv4 + ipv6 where !unique.contains(address) { unique.append(address) }
        return unique
    }
}
