import Foundation
import Synchronization
import VPBXRTP

#if canImport(Glibc)
    import Glibc
    private let datagramType = Int32(SOCK_DGRAM.rawValue)
#endif

/// A UDP socket on 127.0.0.1 that keeps every datagram it receives: the ear of a test phone
/// whose SDP names this port, so a test can check what the engine played (frequency, length).
final class RTPCapture: Sendable {
    let port: UInt16
    let descriptor: Int32
    private let state = State()

    /// Shared with the reader thread.
    private final class State: Sendable {
        let packets = Mutex<[[UInt8]]>([])
        let running = Mutex(true)
        /// Whether the socket is closed: by ``stop()``, or by the reader thread once the
        /// capture was released without one (a test that threw), never twice.
        let closed = Mutex(false)
        /// The source port of the first packet received.
        let firstSource = Mutex<UInt16?>(nil)

        func close(_ descriptor: Int32) {
            closed.withLock { closed in
                guard !closed else { return }
                closed = true
                _ = Glibc.close(descriptor)
            }
        }
    }

    var isRunning: Bool { state.running.withLock { $0 } }
    /// The UDP port the first received packet came from (on 127.0.0.1).
    var firstSource: UInt16? { state.firstSource.withLock { $0 } }

    init() throws {
        let fd = socket(AF_INET, datagramType, 0)
        guard fd >= 0 else { throw HarnessError("socket() failed: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var chosen: UInt16 = 0
        for _ in 0..<20 {
            let candidate = try FreePorts.udpRange(count: 2, in: FreePorts.peerMediaBand).lowerBound
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = candidate.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if bound == 0 {
                chosen = candidate
                break
            }
        }
        guard chosen != 0 else {
            close(fd)
            throw HarnessError("no free UDP port for the RTP capture")
        }
        port = chosen
        descriptor = fd
        let state = self.state
        let reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 2048)
            while state.running.withLock({ $0 }) {
                var source = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let count = buffer.withUnsafeMutableBytes { raw in
                    withUnsafeMutablePointer(to: &source) { pointer in
                        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            recvfrom(fd, raw.baseAddress, raw.count, 0, $0, &length)
                        }
                    }
                }
                if count > 0 {
                    state.packets.withLock { $0.append(Array(buffer[0..<count])) }
                    let port = UInt16(bigEndian: source.sin_port)
                    state.firstSource.withLock { if $0 == nil { $0 = port } }
                }
            }
            state.close(fd)
        }
        reader.start()
    }

    /// A capture released without ``stop()`` (its test threw) stops too: its port must not
    /// stay bound, nor its talker keep sending into another test's engine, whose RTP range
    /// may take the same ports later in the run (that engine latches to the stray talker and
    /// its own phones go unheard: two CI failures of stop 59).
    deinit {
        state.running.withLock { $0 = false }
    }

    /// Everything received so far.
    var received: [[UInt8]] { state.packets.withLock { $0 } }

    /// The RTP packets received, header and payload, in sequence order (counted from the first
    /// arrival, so a wrap of the sequence number keeps the order); what is not RTP is left out.
    var receivedPackets: [(header: RTPHeader, payload: [UInt8])] {
        let packets = received.compactMap { packet -> (header: RTPHeader, payload: [UInt8])? in
            guard let header = packet.withUnsafeBytes({ RTPHeader(bytes: $0) }) else { return nil }
            return (header, Array(packet[header.payloadOffset...]))
        }
        let base = packets.first?.header.sequenceNumber ?? 0
        return packets.sorted { $0.header.sequenceNumber &- base < $1.header.sequenceNumber &- base }
    }

    /// The samples of the G.711 packets received, in arrival order (telephone-events and
    /// comfort noise skipped).
    var receivedAudio: [Int16] {
        var samples: [Int16] = []
        for packet in received where packet.count > 12 {
            guard let header = packet.withUnsafeBytes({ RTPHeader(bytes: $0) }) else { continue }
            let law: G711.Law
            switch header.payloadType {
            case 8: law = .alaw
            case 0: law = .ulaw
            default: continue
            }
            samples += packet[header.payloadOffset...].map { law.decode($0) }
        }
        return samples
    }

    /// Stops reading and closes the socket.
    func stop() {
        state.running.withLock { $0 = false }
        Thread.sleep(forTimeInterval: 0.2)  // the reader wakes within its 100 ms receive timeout
        state.close(descriptor)
    }
}
