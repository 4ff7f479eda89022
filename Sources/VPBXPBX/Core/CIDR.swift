import Foundation
import VPBXSIP

/// An IPv4 or IPv6 network such as `10.0.0.0/8` or `2001:db8::/32`, for the trusted-source list.
public struct CIDR: Sendable, Equatable, CustomStringConvertible {
    private let network: [UInt8]
    private let prefixLength: Int
    public let description: String

    public init(parsing text: String) throws(CIDRError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = CIDR.bytes(of: String(parts[0])) else {
            throw CIDRError(message: "'\(text)' is not a network: expected ADDRESS/PREFIX, e.g. 10.0.0.0/8")
        }
        let maximum = address.count * 8
        let prefix = parts.count == 2 ? Int(parts[1]) : maximum
        guard let prefix, (0...maximum).contains(prefix) else {
            throw CIDRError(message: "'\(text)' has an invalid prefix length (0-\(maximum))")
        }
        self.network = address
        self.prefixLength = prefix
        self.description = text
    }

    public func contains(_ host: String) -> Bool {
        // Every request from a trusted network asks this of its source: IPv4 without arrays.
        if network.count == 4, let address = CIDR.ipv4Value(host) {
            let mask: UInt32 = prefixLength == 0 ? 0 : ~0 << (32 - prefixLength)
            let base = network.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return address & mask == base & mask
        }
        guard let address = CIDR.bytes(of: host), address.count == network.count else { return false }
        var remaining = prefixLength
        for index in 0..<address.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if address[index] & mask != network[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// Dotted IPv4 text as one number, or nil (also for anything that is not IPv4).
    static func ipv4Value(_ text: String) -> UInt32? { IPv4Text.value(of: text) }

    /// Parses dotted IPv4 or RFC 4291 IPv6 text into network-order bytes.
    static func bytes(of text: String) -> [UInt8]? {
        if text.contains(":") { return ipv6Bytes(text) }
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var result: [UInt8] = []
        for octet in octets {
            guard let value = UInt8(octet) else { return nil }
            result.append(value)
        }
        return result
    }

    private static func ipv6Bytes(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}

public struct CIDRError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
