import Foundation

#if canImport(Glibc)
    import Glibc
    private let datagramType = Int32(SOCK_DGRAM.rawValue)
#elseif canImport(Darwin)
    import Darwin
    private let datagramType = SOCK_DGRAM
#endif

/// Sends raw bytes to a UDP port on 127.0.0.1: for input no SIP tool would produce.
enum UDPDatagram {
    static func send(_ bytes: [UInt8], toPort port: UInt16) throws {
        let fd = socket(AF_INET, datagramType, 0)
        guard fd >= 0 else { throw HarnessError("socket() failed: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard sent == bytes.count else {
            throw HarnessError("sendto 127.0.0.1:\(port) failed: \(String(cString: strerror(errno)))")
        }
    }

    static func send(_ text: String, toPort port: UInt16) throws {
        try send(Array(text.utf8), toPort: port)
    }
}
