import Foundation

extension SIPTransport {
    /// Datagrams the kernel dropped at the SIP UDP sockets because their receive buffer was
    /// full, since they were bound; nil before the start or where the kernel cannot say.
    /// Drops mean the event loop fell behind reading: answers, ACKs and BYEs are lost with new
    /// INVITEs, and calls depend on retransmissions (docs/architecture.md).
    ///
    /// Asked of each socket (SO_MEMINFO). Reading `/proc/net/udp` instead, the fallback for
    /// kernels before 4.12, generates and parses a line for every UDP socket of the host:
    /// with 2,000 calls (8,000 RTP sockets) that made `vpbx status` take 160 ms of CPU.
    public func udpDatagramsDropped() -> Int? {
        let listeners = runningUDPListeners()
        guard !listeners.isEmpty else { return nil }
        let counts = listeners.map { $0.sender.kernelDrops() }
        if counts.allSatisfy({ $0 != nil }) { return counts.reduce(0) { $0 + ($1 ?? 0) } }
        return udpDatagramsDroppedFromProc(listeners)
    }

    /// ``udpDatagramsDropped()`` from the `/proc/net/udp` tables.
    func udpDatagramsDroppedFromProc(_ listeners: [UDPListener]) -> Int? {
        let inodes = Set(listeners.compactMap(\.inode))
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
