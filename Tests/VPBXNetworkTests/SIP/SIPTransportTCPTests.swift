import Foundation
import NIOCore
import Testing
import VPBXSIP

@testable import VPBXNetwork

@Suite("SIPTransport over TCP")
struct SIPTransportTCPTests {
    @Test func requestSplitInOddChunksIsAnsweredOnTheSameConnection() async throws {
        let harness = try await TransportHarness.start()
        let peer = try await TCPPeer.connect(port: harness.port)
        defer { Task { await peer.close(); await harness.stop() } }

        try await peer.send(optionsBytes(viaPort: peer.localPort, transport: "TCP"), inChunksOf: [1, 7, 13, 2])
        let responses = try await peer.waitForResponses(1)
        #expect(responses[0].statusCode == 200)

        let inbound = try #require(harness.received.first)
        #expect(inbound.source.transport == .tcp)
        #expect(inbound.source.address.port == peer.localPort)
        #expect(inbound.source.connection != nil)
        #expect(!peer.isClosed)
    }

    @Test func twoMessagesInOneWriteAreBothAnswered() async throws {
        let harness = try await TransportHarness.start()
        let peer = try await TCPPeer.connect(port: harness.port)
        defer { Task { await peer.close(); await harness.stop() } }

        let first = optionsBytes(viaPort: peer.localPort, transport: "TCP", callID: "first")
        let second = optionsBytes(viaPort: peer.localPort, transport: "TCP", callID: "second")
        try await peer.send(first + second)
        let responses = try await peer.waitForResponses(2)
        #expect(responses.map(\.headers.callID) == ["first", "second"])
    }

    @Test func doubleCRLFPingGetsOneCRLFPongAndALoneCRLFGetsNothing() async throws {
        let harness = try await TransportHarness.start()
        let peer = try await TCPPeer.connect(port: harness.port)
        defer { Task { await peer.close(); await harness.stop() } }

        try await peer.send(Array("\r\n".utf8))
        try await peer.send(Array("\r\n".utf8))  // completes a ping split over two writes
        try await eventually { peer.received == Array("\r\n".utf8) }
        try await peer.send(Array("\r\n".utf8))  // a pong-sized CRLF: no answer
        try await peer.send(optionsBytes(viaPort: peer.localPort, transport: "TCP"))
        _ = try await peer.waitForResponses(1)
        #expect(peer.received.prefix(4) == [13, 10, 83, 73])  // exactly one CRLF before "SI"
        #expect(harness.transport.statistics.keepAlives == 1)
    }

    @Test func malformedRequestGets400AndTheConnectionStaysOpen() async throws {
        let harness = try await TransportHarness.start()
        let peer = try await TCPPeer.connect(port: harness.port)
        defer { Task { await peer.close(); await harness.stop() } }

        try await peer.send(optionsBytes(viaPort: peer.localPort, transport: "TCP", cseq: "1 INVITE"))
        try await peer.send(optionsBytes(viaPort: peer.localPort, transport: "TCP", callID: "good"))
        let responses = try await peer.waitForResponses(2)
        #expect(responses[0].statusCode == 400)
        #expect(responses[0].reason.contains("CSeq"))
        #expect(responses[1].statusCode == 200)
        #expect(!peer.isClosed)
    }

    @Test func oversizedStreamClosesTheConnection() async throws {
        let harness = try await TransportHarness.start(limits: SIPParserLimits(maxMessageBytes: 512))
        let peer = try await TCPPeer.connect(port: harness.port)
        defer { Task { await peer.close(); await harness.stop() } }

        try await peer.send(Array("OPTIONS sip:x SIP/2.0\r\nX-Pad: \(String(repeating: "a", count: 600))".utf8))
        try await peer.waitUntilClosed()
        #expect(harness.transport.statistics.tooLarge == 1)
        #expect(harness.received.isEmpty)
        try await eventually { harness.transport.connectionCount == 0 }
    }

    @Test func idleConnectionIsClosed() async throws {
        let harness = try await TransportHarness.start(idleTimeout: .milliseconds(200))
        let peer = try await TCPPeer.connect(port: harness.port)
        defer { Task { await peer.close(); await harness.stop() } }
        try await peer.waitUntilClosed(timeout: .seconds(5))
    }

    /// A connection that has carried an OPTIONS and its answer, and that message as the
    /// transport saw it (whose source the registrar would hold). With a 1 s idle timeout, on
    /// a machine loaded by a parallel test run a second can pass between connecting and the
    /// answer, and the connection is then rightly closed before a test could hold it: such a
    /// try is repeated (three at most).
    private func answeredConnection(_ harness: TransportHarness, callID: String) async throws
        -> (peer: TCPPeer, inbound: InboundSIPMessage)
    {
        for attempt in 1...3 {
            let peer = try await TCPPeer.connect(port: harness.port)
            let id = "\(callID)-\(attempt)"
            do {
                try await peer.send(optionsBytes(viaPort: peer.localPort, transport: "TCP", callID: id))
                _ = try await peer.waitForResponses(1)
                // Not `#require`: a miss here is a try to repeat, not yet a failure.
                guard let inbound = harness.received.first(where: { $0.request?.headers.callID == id }) else {
                    throw SIPTransportTCPTestError.notReceived(callID: id)
                }
                return (peer, inbound)
            } catch where attempt < 3 {
                await peer.close()
            }
        }
        preconditionFailure("the third attempt returns or throws")
    }

    /// ``answeredConnection(_:callID:)`` held for `hold` as the registrar would, and when.
    /// Between the answer and the hold, too, a loaded machine can let the idle timeout close
    /// the connection first; then the hold proves nothing and the try is repeated (three at
    /// most; the last one counts whatever happened).
    private func heldConnection(_ harness: TransportHarness, callID: String, for hold: TimeAmount) async throws
        -> (peer: TCPPeer, inbound: InboundSIPMessage, heldAt: ContinuousClock.Instant)
    {
        for attempt in 1...3 {
            let (peer, inbound) = try await answeredConnection(harness, callID: "\(callID)-\(attempt)")
            let heldAt = ContinuousClock.now
            harness.transport.holdConnection(of: inbound.source, for: hold)
            let open = inbound.source.connection.map { harness.transport.isConnectionOpen($0) } ?? false
            if open || attempt == 3 { return (peer, inbound, heldAt) }
            await peer.close()
        }
        preconditionFailure("the third attempt returns")
    }

    @Test func aConnectionHeldForARegistrationOutlivesTheIdleTimeout() async throws {
        let harness = try await TransportHarness.start(idleTimeout: .seconds(2))
        // Held at once: the idle period runs from the answer, and a parallel test run once
        // took a whole second (the timeout was 1 s then) to get from it to the hold.
        let (held, _, _) = try await heldConnection(harness, callID: "held", for: .seconds(30))
        let idle = try await TCPPeer.connect(port: harness.port)
        defer { Task { await held.close(); await idle.close(); await harness.stop() } }
        // The other one, as idle and not held, is closed after its two seconds; the held one
        // stays through more idle periods.
        try await idle.waitUntilClosed(timeout: .seconds(10))
        try await Task.sleep(for: .milliseconds(4_500))
        #expect(!held.isClosed)
        #expect(harness.transport.connectionCount == 1)
    }

    @Test func connectionsProbeTheirPeerWithKeepAlives() async throws {
        let harness = try await TransportHarness.start()
        let peer = try await TCPPeer.connect(port: harness.port)
        defer { Task { await peer.close(); await harness.stop() } }
        try await peer.send(optionsBytes(viaPort: peer.localPort, transport: "TCP", callID: "probed"))
        _ = try await peer.waitForResponses(1)
        let inbound = try #require(harness.received.first)
        let connection = try #require(inbound.source.connection)
        let channel = try #require(harness.transport.channel(of: connection))
        func option(_ level: NIOBSDSocket.OptionLevel, _ name: CInt) async throws -> Int {
            try await channel.getOption(ChannelOptions.Types.SocketOption(level: level, name: NIOBSDSocket.Option(rawValue: name))).get()
        }
        #expect(try await option(.socket, SO_KEEPALIVE) != 0)
        #expect(try await option(.tcp, TCP_KEEPIDLE) == 120)
        #expect(try await option(.tcp, TCP_KEEPINTVL) == 30)
        #expect(try await option(.tcp, TCP_KEEPCNT) == 4)
    }

    @Test func aHeldConnectionIsClosedForIdlenessOnceTheHoldLapses() async throws {
        let harness = try await TransportHarness.start(idleTimeout: .seconds(1))
        let (peer, _, held) = try await heldConnection(harness, callID: "short", for: .seconds(2))
        defer { Task { await peer.close(); await harness.stop() } }
        try await peer.waitUntilClosed(timeout: .seconds(10))
        #expect(ContinuousClock.now - held >= .seconds(2), "closed before the hold lapsed")
    }

    @Test func aReleasedConnectionIsClosedForIdlenessDespiteItsHold() async throws {
        let harness = try await TransportHarness.start(idleTimeout: .seconds(1))
        let (peer, inbound, _) = try await heldConnection(harness, callID: "released", for: .seconds(3600))
        defer { Task { await peer.close(); await harness.stop() } }
        try await Task.sleep(for: .seconds(2))
        #expect(!peer.isClosed, "held: not closed for idleness")
        harness.transport.releaseConnection(of: inbound.source)
        try await peer.waitUntilClosed(timeout: .seconds(10))
    }

    @Test func connectionsBeyondTheMaximumAreClosedAtOnceAndAdmittedAgainOnceOneCloses() async throws {
        let harness = try await TransportHarness.start(maximumTCPConnections: 2)
        var peers: [TCPPeer] = []
        defer {
            let opened = peers
            Task { for peer in opened { await peer.close() }; await harness.stop() }
        }
        for index in 0..<2 {
            let peer = try await TCPPeer.connect(port: harness.port)
            peers.append(peer)
            try await peer.send(optionsBytes(viaPort: peer.localPort, transport: "TCP", callID: "open-\(index)"))
            #expect(try await peer.waitForResponses(1)[0].statusCode == 200)
        }
        let refused = try await TCPPeer.connect(port: harness.port)
        peers.append(refused)
        try await refused.waitUntilClosed(timeout: .seconds(5))
        #expect(harness.transport.statistics.connectionsRefused == 1)

        await peers[0].close()
        try await eventually { harness.transport.connectionCount == 1 }
        let admitted = try await TCPPeer.connect(port: harness.port)
        peers.append(admitted)
        try await admitted.send(optionsBytes(viaPort: admitted.localPort, transport: "TCP", callID: "admitted"))
        #expect(try await admitted.waitForResponses(1)[0].statusCode == 200)
    }

    @Test func refusalsAreLoggedAtPowersOfTen() {
        #expect([1, 10, 100, 1_000, 1_000_000].allSatisfy { SIPTransportCore.isPowerOfTen($0) })
        #expect(![0, 2, 11, 20, 101, 110, 999].contains { SIPTransportCore.isPowerOfTen($0) })
    }

    @Test func outboundSendOpensOneConnectionAndReusesIt() async throws {
        let harness = try await TransportHarness.start()
        let phone = try await TCPTestServer.start()
        defer { Task { await phone.close(); await harness.stop() } }

        let target = SIPEndpoint.tcp(try localhost(phone.port))
        harness.transport.send(try SIPParser().parse(optionsBytes(viaPort: harness.port, transport: "TCP", callID: "out-1")), to: target)
        harness.transport.send(try SIPParser().parse(optionsBytes(viaPort: harness.port, transport: "TCP", callID: "out-2")), to: target)
        try await eventually { try phone.log.messages().count == 2 }
        #expect(phone.log.channels.count == 1)

        // The phone answers on that connection; the answer reaches the callback as TCP.
        let request = try #require(try SIPParser().parse(phone.log.messages()[0]).headers.callID)
        #expect(request == "out-1")
        guard case .request(let sent) = try SIPParser().parse(phone.log.messages()[0]) else { return }
        let answer = SIPResponse(to: sent, status: 200, toTag: "p1").serialized()
        try await phone.log.channels[0].writeAndFlush(ByteBuffer(bytes: answer)).get()
        let inbound = try await harness.waitForMessages(1)
        #expect(inbound[0].response?.statusCode == 200)
        #expect(inbound[0].source.address.port == phone.port)
        #expect(inbound[0].source.transport == .tcp)
    }

    @Test func sendToAnUnreachableTCPEndpointCountsAFailure() async throws {
        let harness = try await TransportHarness.start()
        defer { Task { await harness.stop() } }
        let closed = try await TCPTestServer.start()
        let port = closed.port
        await closed.close()

        harness.transport.send(try SIPParser().parse(optionsBytes(viaPort: harness.port)), to: .tcp(try localhost(port)))
        try await eventually(timeout: .seconds(6)) { harness.transport.statistics.sendFailures == 1 }
    }
}

private enum SIPTransportTCPTestError: Error {
    case notReceived(callID: String)
}
