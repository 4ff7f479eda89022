import Foundation

extension SIPTransport {
    /// Datagrams the kernel dropped at the SIP UDP sockets because their receive buffer was
    /// full, since they were bound; nil before the start or where `/proc/net/udp` cannot be
    /// read. Drops mean the event loop fell behind reading: answers, ACKs and BYEs are lost
    /// with new INVITEs, and calls depend on retransmissions (docs/architecture.md).
    ///
    /// Reads the whole table (every RTP socket of the engine is a line of it), so it is for
    /// status requests, not for anything per call.
    public func udpDatagramsDropped() -> Int? {
        let inodes = Set(runningUDPListeners().compactMap(\.inode))
        guard !inodes.isEmpty else { return nil }
        var total: Int?
        for path in ["/proc/net/udp", "/proc/net/udp6"] {
            guard let table = Self.readProcFile(path) else { continue }
            total = (total ?? 0) + Self.drops(inProcNetUDP: table, inodes: inodes)
        }
        return total
    }

    /// A `/proc` file read to its end. Such files report a size of 0 and are produced as they
    /// are read, a page at a time; `String(contentsOfFile:)` returned only the start of a
    /// table of thousands of sockets.
    static func readProcFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? String(decoding: bytes, as: UTF8.self) : nil }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// The `drops` column summed over the sockets of `inodes` in a `/proc/net/udp` table
    /// (`sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout
    /// inode ref pointer drops`, one line per socket after the heading).
    static func drops(inProcNetUDP table: String, inodes: Set<UInt64>) -> Int {
        var total = 0
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 13, let inode = UInt64(fields[9]), inodes.contains(inode),
                let drops = Int(fields[fields.count - 1])
            else { continue }
            total += drops
        }
        return total
    }
}
