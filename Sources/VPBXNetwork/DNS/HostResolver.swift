import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Host names resolved to addresses in the background, with the answers kept for callers that
/// must not wait (the PBX core, for static contacts named by host name).
///
/// Like Asterisk's DNS manager: the first question starts a lookup and gets nil; a name is
/// looked up again every `refresh` (5 minutes) while it is asked for, and 30 s after a lookup
/// failed. A failed lookup keeps the last address that worked, since a DNS server that is
/// briefly unreachable should not make a door phone unreachable too.
public final class HostResolver: Sendable {
    /// Host name to addresses, best first; empty when the name does not resolve. Blocking.
    public typealias Lookup = @Sendable (String) -> [String]

    private struct Entry {
        var address: String?
        var checkedAt: ContinuousClock.Instant?
        var lastFailed = false
        var inFlight = false
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lookup: Lookup
    private let refresh: Duration
    private let retry: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let queue = DispatchQueue(label: "vpbx.host-resolver", qos: .utility)
    private let logger: Logger

    public init(
        logger: Logger, refresh: Duration = .seconds(300), retry: Duration = .seconds(30),
        lookup: @escaping Lookup = HostResolver.systemLookup,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.logger = logger
        self.refresh = refresh
        self.retry = retry
        self.lookup = lookup
        self.now = now
    }

    /// The address `host` resolved to most recently, or nil while none; starts a lookup in the
    /// background when the name was never looked up or its last lookup is due for renewal.
    public func address(of host: String) -> String? {
        let now = now()
        let (address, start) = entries.withLock { entries -> (String?, Bool) in
            var entry = entries[host] ?? Entry()
            let due = entry.checkedAt.map { now - $0 >= (entry.lastFailed ? retry : refresh) } ?? true
            let start = due && !entry.inFlight
            if start {
                entry.inFlight = true
                entries[host] = entry
            }
            return (entry.address, start)
        }
        if start { queue.async { self.resolve(host) } }
        return address
    }

    /// Waits until no lookup is running (tests, and a clean order at start-up).
    public func waitForLookups() {
        queue.sync {}
    }

    private func resolve(_ host: String) {
        let found = lookup(host).first
        let now = now()
        let previous = entries.withLock { entries -> String? in
            let previous = entries[host]?.address
            entries[host] = Entry(address: found ?? previous, checkedAt: now, lastFailed: found == nil)
            return previous
        }
        switch (found, previous) {
        case (nil, nil):
            logger.warning("host name does not resolve; retrying in \(retry)", metadata: ["host": "\(host)"])
        case (nil, let kept?):
            logger.warning(
                "host name no longer resolves; keeping its last address", metadata: ["host": "\(host)", "address": "\(kept)"])
        case (let address?, let previous) where address != previous:
            logger.info("host name resolved", metadata: ["host": "\(host)", "address": "\(address)"])
        default:
            break
        }
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
