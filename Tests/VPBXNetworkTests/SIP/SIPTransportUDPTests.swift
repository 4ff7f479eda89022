import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import VPBXSIP

@testable import VPBXNetwork

@Suite("SIPTransport over UDP")
struct SIPTransportUDPTests {
    @Test func theReceiveBufferIsForcedPastTheKernelsCapWhereAllowedElseTheShortfallIsNamed() async throws {
        // Far past net.core.rmem_max (4 MB on these machines, 208 KB on a stock Debian).
        let requested = 24 << 20
        var configuration = SIPTransportConfiguration(host: "127.0.0.1", port: 0, udpSocketCount: 1)
        configuration.socketBufferBytes = requested
        configuration.logger.logLevel = .error
        let transport = SIPTransport(group: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        try await transport.start { _ in }
        defer { Task { await transport.stop() } }
        let granted = try #require(await transport.udpReceiveBufferBytes())
        if geteuid() == 0 {
            #expect(granted >= requested, "root may force the size: \(granted)")
        } else {
            let warning = try #require(SIPTransport.receiveBufferShortfall(granted: granted, requested: requested))
            #expect(warning.contains("net.core.rmem_max=\(requested)"))
        }
    }

    @Test func dropsAreSummedOverTheTransportsSocketsOnly() {
        let table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
             1203: 0100007F:8CDC 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 914137 2 000000006a4a1f0f 1546
             1204: 0100007F:8CDD 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 914138 2 000000006a4a1f0f 7
             1205: 0100007F:8CE6 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 914200 2 000000006a4a1f0f 99
            """
        #expect(SIPTransport.drops(inProcNetUDP: table, inodes: [914137, 914138]) == 1553)
        #expect(SIPTransport.drops(inProcNetUDP: table, inodes: [1]) == 0)
        #expect(SIPTransport.drops(inProcNetUDP: "garbage\nnot a table line", inodes: [914137]) == 0)
    }

    @Test func aLongProcTableIsReadToItsEnd() throws {
        // /proc files report a size of 0 and come a page at a time: Foundation's
        // String(contentsOfFile:) returned only the first lines of an engine's thousands.
        var sockets: [CInt] = []
        defer { for socket in sockets { close(socket) } }
        for _ in 0..<600 {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            try #require(socket >= 0)
            sockets.append(socket)
            // Only bound sockets are listed.
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            try #require(bound == 0)
        }
        let table = try #require(SIPTransport.readProcFile("/proc/net/udp"))
        #expect(table.split(separator: "\n").count > 600)
        #expect(SIPTransport.readProcFile("/nonexistent/table") == nil)
    }

    @Test func datagramsTheKernelDropsWhileTheLoopIsHeldAreCounted() async throws {
        // A loop of its own, held on purpose; the smallest buffer the kernel allows.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var configuration = SIPTransportConfiguration(host: "127.0.0.1", port: 0, udpSocketCount: 1)
        configuration.socketBufferBytes = 1
        configuration.logger.logLevel = .critical
        let transport = SIPTransport(group: group, configuration: configuration)
        try await transport.start { _ in }
        let phone = try await UDPPhone.bind()
        defer {
            Task {
                await phone.close()
                await transport.stop()
                try? await group.shutdownGracefully()
            }
        }
        let port = try #require(transport.localPort)
        #expect(transport.udpDatagramsDropped() == 0)
        let release = NIOLockedValueBox(false)
        group.next().execute {
            while !release.withLockedValue({ $0 }) { usleep(1000) }
        }
        for index in 0..<200 {
            try await phone.send(optionsBytes(viaPort: phone.port, callID: "drop-\(index)"), to: port)
        }
        try await eventually("drops counted") { (transport.udpDatagramsDropped() ?? 0) > 0 }
        release.withLockedValue { $0 = true }
        let dropped = try #require(transport.udpDatagramsDropped())
        #expect(dropped > 0 && dropped < 200, "\(dropped)")
        // Asked of the socket (this kernel can), the count is the one /proc/net/udp shows for it.
        #expect(transport.runningUDPListeners().allSatisfy { $0.sender.kernelDrops() != nil })
        #expect(transport.udpDatagramsDroppedFromProc(transport.runningUDPListeners()) == dropped)
    }

    @Test func aShortReceiveBufferIsNamedWithTheSysctlThatRaisesIt() {
        #expect(SIPTransport.receiveBufferShortfall(granted: 4 << 20, requested: 4 << 20) == nil)
        let warning = SIPTransport.receiveBufferShortfall(granted: 212_992, requested: 4 << 20)
        #expect(warning?.hasPrefix("the SIP UDP receive buffer is 208 KB, not the 4096 KB asked for") == true)
        #expect(warning?.hasSuffix("sysctl -w net.core.rmem_max=4194304'") == true)
    }

    @Test func optionsIsAnsweredAtTheClientsSourcePort() async throws {
        let harness = try await TransportHarness.start()
        let phone = try await UDPPhone.bind()
        defer { Task { await phone.close(); await harness.stop() } }

        // sent-by names a port nobody listens on: the answer must still reach the source port.
        try await phone.send(optionsBytes(viaPort: 1), to: harness.port)
        let replies = try await phone.waitForPackets(1)
        let response = try parseResponse(replies[0].bytes)
        #expect(response.statusCode == 200)
        let via = try response.headers.topVia()
        #expect(via.received == "127.0.0.1")
        #expect(via.rport == phone.port)
        #expect(replies[0].remoteAddress.port == harness.port)

        let inbound = try #require(harness.received.first)
        #expect(inbound.source == .udp(try localhost(phone.port)))
        #expect(inbound.localAddress?.port == harness.port)
        #expect(harness.transport.statistics.messagesParsed == 1)
    }

    @Test func malformedRequestGets400WithTheReason() async throws {
        let harness = try await TransportHarness.start()
        let phone = try await UDPPhone.bind()
        defer { Task { await phone.close(); await harness.stop() } }

        try await phone.send(optionsBytes(viaPort: phone.port, cseq: "abc OPTIONS"), to: harness.port)
        let replies = try await phone.waitForPackets(1)
        let response = try parseResponse(replies[0].bytes)
        #expect(response.statusCode == 400)
        #expect(response.reason.contains("header 'CSeq' is malformed"))
        #expect(response.headers.callID == "call-1")
        #expect(harness.received.isEmpty)
        #expect(harness.transport.statistics.badRequestsAnswered == 1)
    }

    @Test func garbageIsDroppedAndCountedAndTheTransportKeepsWorking() async throws {
        let harness = try await TransportHarness.start()
        let phone = try await UDPPhone.bind()
        defer { Task { await phone.close(); await harness.stop() } }

        try await phone.send(Array("\u{16}\u{3}\u{1} not sip at all".utf8), to: harness.port)
        try await phone.send((0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37) }, to: harness.port)
        try await phone.send([13, 10], to: harness.port)  // keep-alive: no answer
        try await eventually { harness.transport.statistics.droppedUnparseable == 2 && harness.transport.statistics.keepAlives == 1 }

        try await phone.send(optionsBytes(viaPort: phone.port), to: harness.port)
        let replies = try await phone.waitForPackets(1)
        #expect(try parseResponse(replies[0].bytes).statusCode == 200)
        #expect(phone.received.count == 1)
        #expect(harness.transport.statistics.messagesReceived == 3)
    }

    @Test func oversizedDatagramIsDropped() async throws {
        let harness = try await TransportHarness.start(limits: SIPParserLimits(maxMessageBytes: 300))
        let phone = try await UDPPhone.bind()
        defer { Task { await phone.close(); await harness.stop() } }

        var big = optionsText(viaPort: phone.port)
        big = big.replacingOccurrences(of: "Max-Forwards", with: "X-Pad: \(String(repeating: "p", count: 400))\r\nMax-Forwards")
        try await phone.send(Array(big.utf8), to: harness.port)
        try await eventually { harness.transport.statistics.tooLarge == 1 }
        #expect(harness.received.isEmpty)
    }

    @Test func sendReachesAUDPEndpoint() async throws {
        let harness = try await TransportHarness.start()
        let phone = try await UDPPhone.bind()
        defer { Task { await phone.close(); await harness.stop() } }

        let request = try SIPParser().parse(optionsBytes(viaPort: harness.port))
        harness.transport.send(request, to: .udp(try localhost(phone.port)))
        let packets = try await phone.waitForPackets(1)
        #expect(packets[0].remoteAddress.port == harness.port)
        #expect(String(decoding: packets[0].bytes, as: UTF8.self).hasPrefix("OPTIONS sip:pbx@127.0.0.1 SIP/2.0\r\n"))
    }

    /// The core hands its datagrams to the event loops while it is behind and sends them
    /// itself otherwise; switching back and forth never lets one overtake another (a 200
    /// before its 180, a BYE before its ACK).
    @Test func sendsKeepTheirOrderWhenTheyMoveBetweenThreads() async throws {
        let harness = try await TransportHarness.start()
        let phone = try await UDPPhone.bind()
        defer { Task { await phone.close(); await harness.stop() } }

        let count = 400
        let target = SIPEndpoint.udp(try localhost(phone.port))
        for number in 1...count {
            // Runs of seven each way: most switches back to direct sends find datagrams still
            // queued on the loop.
            harness.transport.sendsFromEventLoops = (number / 7) % 2 == 1
            let request = try SIPParser().parse(optionsBytes(viaPort: harness.port, cseq: "\(number) OPTIONS"))
            harness.transport.send(request, to: target)
        }
        harness.transport.sendsFromEventLoops = false
        let packets = try await phone.waitForPackets(count)
        #expect(try Self.cseqNumbers(packets) == Array(1...count))
        #expect(packets.allSatisfy { $0.remoteAddress.port == harness.port })
        #expect(harness.transport.statistics.sendFailures == 0)
    }

    /// A direct send that fails (a full send buffer) goes out through NIO, and so does the
    /// rest of its burst: sent directly, they would leave before it (NIO sends at the flush).
    @Test func aFailedDirectSendIsNotOvertakenByTheRestOfItsBurst() async throws {
        // The transport runs on a loop of its own, since the test holds it: holding one of the
        // shared loops stopped every other test's phones on it from reading meanwhile (lost
        // datagrams in tests running alongside). The phone reads on its own thread too: on the
        // held loop it would read nothing, and its socket buffer overflowed in one full-suite
        // run of CI.
        let transportGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let harness = try await TransportHarness.start(group: transportGroup)
        let phoneGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let phone = try await UDPPhone.bind(group: phoneGroup)
        defer {
            Task {
                await phone.close()
                await harness.stop()
                try? await phoneGroup.shutdownGracefully()
                try? await transportGroup.shutdownGracefully()
            }
        }

        let (bursts, perBurst) = (16, 25)
        let count = bursts * perBurst
        let target = SIPEndpoint.udp(try localhost(phone.port))
        let loop = try #require(harness.transport.udpLoopForTesting(to: try localhost(phone.port)))
        harness.transport.sendsFromEventLoops = true
        for burst in 0..<bursts {
            // The loop is held while a burst is handed to it, so the burst goes out in one
            // go, and its first datagram's direct send fails.
            let held = loop.submit { usleep(20_000) }
            harness.transport.refuseNextDirectSendsForTesting(1)
            for number in (burst * perBurst + 1)...((burst + 1) * perBurst) {
                let request = try SIPParser().parse(optionsBytes(viaPort: harness.port, cseq: "\(number) OPTIONS"))
                harness.transport.send(request, to: target)
            }
            _ = try await held.get()
        }
        harness.transport.sendsFromEventLoops = false
        // A longer bound than the default 2 s: the loop was held 16 times. (Two full-suite
        // runs timed out here, once in stop 14 and once in CI in stop 16, never alone: the
        // phone then shared the held loop, read a few datagrams per 20 ms hold and lost the
        // rest to its full socket buffer.) A lost datagram still fails here.
        let packets = try await phone.waitForPackets(count, timeout: .seconds(10))
        #expect(try Self.cseqNumbers(packets) == Array(1...count))
        #expect(harness.transport.statistics.sendFailures == 0)
    }

    /// The CSeq numbers of the requests in `packets`, in arrival order (-1 for a response).
    static func cseqNumbers(_ packets: [AddressedEnvelope<ByteBuffer>]) throws -> [Int] {
        try packets.map { packet in
            guard case .request(let request) = try SIPParser().parse(packet.bytes) else { return -1 }
            return Int(try request.headers.cseq().number)
        }
    }

    @Test func sendAfterStopCountsAFailure() async throws {
        let harness = try await TransportHarness.start()
        await harness.stop()
        let request = try SIPParser().parse(optionsBytes(viaPort: 5060))
        harness.transport.send(request, to: .udp(try localhost(9)))
        #expect(harness.transport.statistics.sendFailures == 1)
        #expect(harness.transport.localPort == nil)
    }
}
