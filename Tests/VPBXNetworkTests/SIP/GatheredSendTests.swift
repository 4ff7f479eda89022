import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import VPBXSIP

@testable import VPBXNetwork

/// `sendmmsg`: a run of datagrams in one system call, in order, and what did not go is counted.
@Suite("UDP batched sends")
struct DatagramBatchSendTests {
    @Test func datagramsToSeveralPeersArriveInOrderAcrossSystemCalls() async throws {
        let socket = try UDPSocketBinding.make(host: "127.0.0.1", port: 0, sharingThePort: false)
        defer { closeDescriptor(socket) }
        let first = try await UDPPhone.bind()
        let second = try await UDPPhone.bind()
        defer { Task { await first.close(); await second.close() } }
        // More than one sendmmsg holds (64), alternating between the two peers.
        let datagrams = try (0..<150).map { index in
            OutgoingDatagram(bytes: Array("datagram \(index)".utf8), address: try localhost(index % 2 == 0 ? first.port : second.port))
        }
        #expect(sendDatagrams(datagrams[...], on: socket) == 150)
        let toFirst = try await first.waitForPackets(75)
        let toSecond = try await second.waitForPackets(75)
        #expect(toFirst.map { String(buffer: $0.data) } == stride(from: 0, to: 150, by: 2).map { "datagram \($0)" })
        #expect(toSecond.map { String(buffer: $0.data) } == stride(from: 1, to: 150, by: 2).map { "datagram \($0)" })
    }

    @Test func nothingGoesOnAClosedSenderAndTheCountSaysSo() async throws {
        let (socket, sender) = try UDPDirectSender.bindListeningSocket(host: "127.0.0.1", port: 0)
        defer { closeDescriptor(socket) }
        let phone = try await UDPPhone.bind()
        defer { Task { await phone.close() } }
        let datagrams = try (0..<3).map { OutgoingDatagram(bytes: [UInt8($0)], address: try localhost(phone.port)) }
        #expect(sender.send(datagrams[...]) == 3)
        sender.refuseNextSendsForTesting(1)
        #expect(sender.send(datagrams[...]) == 0)
        sender.close()
        #expect(sender.send(datagrams[...]) == 0)
        #expect(try await phone.waitForPackets(3).count == 3)
    }
}

/// ``SIPTransport/gatheringSends(_:)``: the datagrams sent inside leave when it returns, in
/// order, whether the caller's thread sends them or the socket's loop does.
@Suite("SIP sends gathered per batch")
struct GatheredSIPSendTests {
    @Test(arguments: [false, true])
    func gatheredDatagramsLeaveTogetherWhenTheGatheringEnds(fromEventLoops: Bool) async throws {
        let harness = try await TransportHarness.start()
        let phone = try await UDPPhone.bind()
        defer { Task { await phone.close(); await harness.stop() } }
        harness.transport.sendsFromEventLoops = fromEventLoops
        let target = SIPEndpoint.udp(try localhost(phone.port))
        let count = 30
        let requests = try (1...count).map { try SIPParser().parse(optionsBytes(viaPort: harness.port, cseq: "\($0) OPTIONS")) }
        var arrivedWhileGathering = -1
        harness.transport.gatheringSends {
            for request in requests { harness.transport.send(request, to: target) }
            usleep(100_000)  // long enough for any datagram that went out to arrive
            arrivedWhileGathering = phone.received.count
        }
        #expect(arrivedWhileGathering == 0)
        let packets = try await phone.waitForPackets(count)
        #expect(try SIPTransportUDPTests.cseqNumbers(packets) == Array(1...count))
        #expect(packets.allSatisfy { $0.remoteAddress.port == harness.port })
        #expect(harness.transport.statistics.sendFailures == 0)
    }

    /// A burst is cut at the gatherer's limit: a receiver must not get a whole batch's
    /// datagrams at once (a small socket buffer overflows).
    @Test func aGatheringSendsWhatReachedTheLimitAtOnce() async throws {
        let harness = try await TransportHarness.start()
        let phone = try await UDPPhone.bind()
        defer { Task { await phone.close(); await harness.stop() } }
        let target = SIPEndpoint.udp(try localhost(phone.port))
        let limit = SIPDatagramGatherer.limit
        let count = limit + 8
        let requests = try (1...count).map { try SIPParser().parse(optionsBytes(viaPort: harness.port, cseq: "\($0) OPTIONS")) }
        var arrivedWhileGathering = -1
        harness.transport.gatheringSends {
            for request in requests { harness.transport.send(request, to: target) }
            usleep(100_000)
            arrivedWhileGathering = phone.received.count
        }
        #expect(arrivedWhileGathering == limit)
        let packets = try await phone.waitForPackets(count)
        #expect(try SIPTransportUDPTests.cseqNumbers(packets) == Array(1...count))
    }

    /// A gathered run whose first datagram the socket refuses (a full send buffer) goes
    /// through the loop whole, so no later datagram overtakes it.
    @Test func aRefusedGatheredRunKeepsItsOrder() async throws {
        let harness = try await TransportHarness.start()
        let phone = try await UDPPhone.bind()
        defer { Task { await phone.close(); await harness.stop() } }
        let target = SIPEndpoint.udp(try localhost(phone.port))
        let (runs, perRun) = (8, 20)
        for run in 0..<runs {
            harness.transport.refuseNextDirectSendsForTesting(1)
            harness.transport.gatheringSends {
                for number in (run * perRun + 1)...((run + 1) * perRun) {
                    let request = try! SIPParser().parse(optionsBytes(viaPort: harness.port, cseq: "\(number) OPTIONS"))
                    harness.transport.send(request, to: target)
                }
            }
        }
        let packets = try await phone.waitForPackets(runs * perRun, timeout: .seconds(10))
        #expect(try SIPTransportUDPTests.cseqNumbers(packets) == Array(1...(runs * perRun)))
        #expect(harness.transport.statistics.sendFailures == 0)
    }
}

/// ``LoopTaskGatherer``: tasks wait for the end of the gathering, then run in order per loop.
@Suite("Event loop tasks gathered per batch")
struct LoopTaskGathererTests {
    @Test func gatheredTasksRunAtTheEndInOrderOnTheirLoops() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loops = [group.next(), group.next()]
        let gatherer = LoopTaskGatherer()
        let ran = NIOLockedValueBox<[(loop: Int, task: Int, onLoop: Bool)]>([])
        gatherer.begin()
        gatherer.begin()  // nested: still gathering after the inner end
        let count = 2 * (LoopTaskGatherer.limit - 1)  // under the limit on either loop
        for task in 0..<count {
            let index = task % 2
            let loop = loops[index]
            gatherer.execute(on: loop) { ran.withLockedValue { $0.append((index, task, loop.inEventLoop)) } }
        }
        gatherer.end()
        try await Task.sleep(for: .milliseconds(100))
        #expect(ran.withLockedValue { $0.isEmpty })
        gatherer.end()
        try await eventually { ran.withLockedValue { $0.count } == count }
        let all = ran.withLockedValue { $0 }
        #expect(all.allSatisfy { $0.onLoop })
        #expect(all.filter { $0.loop == 0 }.map(\.task) == Array(stride(from: 0, to: count, by: 2)))
        #expect(all.filter { $0.loop == 1 }.map(\.task) == Array(stride(from: 1, to: count, by: 2)))

        // A loop's tasks go once the limit of them waits; the rest at the end.
        let counted = NIOLockedValueBox<[Int]>([])
        gatherer.begin()
        for task in 0..<(LoopTaskGatherer.limit + 5) {
            gatherer.execute(on: loops[0]) { counted.withLockedValue { $0.append(task) } }
        }
        try await eventually { counted.withLockedValue { $0.count } == LoopTaskGatherer.limit }
        try await Task.sleep(for: .milliseconds(50))
        #expect(counted.withLockedValue { $0.count } == LoopTaskGatherer.limit)
        gatherer.end()
        try await eventually { counted.withLockedValue { $0.count } == LoopTaskGatherer.limit + 5 }
        #expect(counted.withLockedValue { $0 } == Array(0..<(LoopTaskGatherer.limit + 5)))

        // Outside a gathering a task goes at once.
        let done = NIOLockedValueBox(false)
        gatherer.execute(on: loops[0]) { done.withLockedValue { $0 = true } }
        try await eventually { done.withLockedValue { $0 } }
        try await group.shutdownGracefully()
    }
}
