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
            guard let table = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            total = (total ?? 0) + Self.drops(inProcNetUDP: table, inodes: inodes)
        }
        return total
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
