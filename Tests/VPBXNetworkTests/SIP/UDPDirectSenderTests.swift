import Foundation
import NIOCore
import NIOPosix
import Testing
import VPBXSIP

@testable import VPBXNetwork

/// The core's datagrams go out of the listening socket directly (no hop to its event loop).
@Suite("UDP direct sends")
struct UDPDirectSenderTests {
    @Test func datagramsLeaveFromTheListeningPortUntilClosed() async throws {
        let (socket, sender) = try UDPDirectSender.bindListeningSocket(host: "127.0.0.1", port: 0)
        defer { _ = close(socket) }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        try #require(named == 0)
        let listeningPort = Int(UInt16(bigEndian: address.sin_port))
        let phone = try await UDPPhone.bind()
        defer { Task { await phone.close() } }

        let target = try localhost(phone.port)
        for index in 0..<50 { #expect(sender.send(Array("datagram \(index)".utf8), to: target)) }
        let packets = try await phone.waitForPackets(50)
        #expect(packets.allSatisfy { $0.remoteAddress.port == listeningPort })
        #expect(Set(packets.map { String(buffer: $0.data) }).count == 50)

        sender.close()
        sender.close()
        #expect(!sender.send([1, 2, 3], to: target))
    }

    /// A datagram the direct path refuses (here an IPv6 destination for an IPv4 socket) is
    /// handed to NIO, which fails and counts it as before.
    @Test func whatCannotGoDirectlyTakesTheOrdinaryPath() async throws {
        let harness = try await TransportHarness.start()
        defer { Task { await harness.stop() } }
        let request = try SIPParser().parse(optionsBytes(viaPort: harness.port))
        harness.transport.send(request, to: .udp(try SocketAddress(ipAddress: "::1", port: 9)))
        try await eventually { harness.transport.statistics.sendFailures == 1 }
    }

    /// A burst from a thread other than the socket's loop arrives complete, from the SIP port.
    @Test func aBurstFromTheCoresThreadArrivesWhole() async throws {
        let harness = try await TransportHarness.start()
        let phone = try await UDPPhone.bind()
        defer { Task { await phone.close(); await harness.stop() } }
        let target = SIPEndpoint.udp(try localhost(phone.port))
        for index in 0..<200 {
            let request = try SIPParser().parse(optionsBytes(viaPort: harness.port, callID: "burst-\(index)"))
            harness.transport.send(request, to: target)
        }
        let packets = try await phone.waitForPackets(200)
        #expect(packets.count == 200)
        #expect(packets.allSatisfy { $0.remoteAddress.port == harness.port })
        #expect(harness.transport.statistics.sendFailures == 0)
    }
}

/// The relay's sender: NIO's own descriptor, from the socket's loop, and nothing once closed.
@Suite("UDP loop sends")
struct LoopDirectSenderTests {
    @Test func sendsFromTheSocketsPortOnItsLoopAndStopsWhenClosed() async throws {
        let socket = try UDPSocketBinding.make(host: "127.0.0.1", port: 0, sharingThePort: false)
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .withBoundSocket(socket).get()
        let sender = LoopDirectSender(descriptor: socket, channel: channel)
        let phone = try await UDPPhone.bind()
        defer { Task { await phone.close() } }
        let target = try localhost(phone.port)

        let sent = try await channel.eventLoop.submit {
            (0..<20).map { sender.send(ByteBuffer(string: "rtp \($0)"), to: target) }
        }.get()
        #expect(sent.allSatisfy { $0 })
        let packets = try await phone.waitForPackets(20)
        #expect(packets.allSatisfy { $0.remoteAddress.port == channel.localAddress?.port })

        try await channel.close()
        let afterClose = try await channel.eventLoop.submit { sender.send(ByteBuffer(string: "late"), to: target) }.get()
        #expect(!afterClose)
    }
}
