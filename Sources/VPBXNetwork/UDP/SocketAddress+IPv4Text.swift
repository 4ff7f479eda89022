import NIOCore
import VPBXSIP

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SocketAddress {
    /// `SocketAddress(ipAddress:port:)` with dotted IPv4 text read by ``IPv4Text`` (no C string,
    /// no `inet_pton`); anything else (IPv6) goes the general way.
    ///
    /// - Throws: ``PortOutOfRange`` for a port outside 0-65535 (NIO's initializer would trap
    ///   on it: an SDP `m=` port of 65535 makes its RTCP port 65536), else what
    ///   `SocketAddress(ipAddress:port:)` throws for text that is no IP address.
    public static func numeric(host: String, port: Int) throws -> SocketAddress {
        guard (0...65_535).contains(port) else { throw PortOutOfRange(port: port) }
        guard let value = IPv4Text.value(of: host) else {
            return try SocketAddress(ipAddress: host, port: port)
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr = in_addr(s_addr: value.bigEndian)
        return SocketAddress(address, host: host)
    }

    /// The IP address as text, like ``ipAddress``, with IPv4 formatted by ``IPv4Text`` (no
    /// `inet_ntop`, no buffer, an inline string).
    public var numericHost: String? {
        if case .v4(let v4) = self {
            return IPv4Text.text(of: UInt32(bigEndian: v4.address.sin_addr.s_addr))
        }
        return self.ipAddress
    }
}

/// A port number that does not fit in 16 bits.
public struct PortOutOfRange: Error, CustomStringConvertible {
    public let port: Int
    public var description: String { "port \(port) is outside 0-65535" }
}
