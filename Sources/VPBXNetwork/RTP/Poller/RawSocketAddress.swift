import NIOCore
import VPBXSIP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A socket address as the kernel gives and takes it, for the relay poller's per-packet path:
/// `recvfrom` fills one in place and `sendto` reads it, with no `SocketAddress` (a heap box and
/// a formatted host string) per datagram.
struct RawSocketAddress {
    var storage = sockaddr_storage()
    var length: socklen_t = 0

    init() {}

    /// The kernel form of `address`; nil for a Unix-domain address (never an RTP peer).
    init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            var inet = v4.address
            withUnsafeMutableBytes(of: &self.storage) { storage in
                withUnsafeBytes(of: &inet) { storage.copyMemory(from: $0) }
            }
            self.length = socklen_t(MemoryLayout<sockaddr_in>.size)
        case .v6(let v6):
            var inet6 = v6.address
            withUnsafeMutableBytes(of: &self.storage) { storage in
                withUnsafeBytes(of: &inet6) { storage.copyMemory(from: $0) }
            }
            self.length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        default:
            return nil
        }
    }

    var family: CInt { CInt(self.storage.ss_family) }

    /// Whether `self` and `other` name the same IP address and port (what symmetric RTP
    /// compares); padding and IPv6 flow labels are not compared.
    @inline(__always)
    func sameEndpoint(as other: RawSocketAddress) -> Bool {
        guard self.storage.ss_family == other.storage.ss_family else { return false }
        return withUnsafeBytes(of: self.storage) { mine in
            withUnsafeBytes(of: other.storage) { theirs in
                if self.family == AF_INET {
                    let a = mine.load(as: sockaddr_in.self)
                    let b = theirs.load(as: sockaddr_in.self)
                    return a.sin_port == b.sin_port && a.sin_addr.s_addr == b.sin_addr.s_addr
                }
                guard self.family == AF_INET6 else { return false }
                let a = mine.load(as: sockaddr_in6.self)
                let b = theirs.load(as: sockaddr_in6.self)
                return a.sin6_port == b.sin6_port && a.sin6_scope_id == b.sin6_scope_id
                    && withUnsafeBytes(of: a.sin6_addr) { x in withUnsafeBytes(of: b.sin6_addr) { y in x.elementsEqual(y) } }
            }
        }
    }

    /// The NIO form, for statistics and for handing the state back to the event loop; built
    /// only then, never per packet.
    var socketAddress: SocketAddress? {
        withUnsafeBytes(of: self.storage) { bytes -> SocketAddress? in
            switch self.family {
            case AF_INET:
                let inet = bytes.load(as: sockaddr_in.self)
                let host = IPv4Text.text(of: UInt32(bigEndian: inet.sin_addr.s_addr))
                return SocketAddress(inet, host: host)
            case AF_INET6:
                let inet6 = bytes.load(as: sockaddr_in6.self)
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                var address = inet6.sin6_addr
                guard inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil else { return nil }
                return SocketAddress(inet6, host: text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
            default:
                return nil
            }
        }
    }
}
