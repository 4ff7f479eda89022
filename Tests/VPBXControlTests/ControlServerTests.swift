import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import Testing

@testable import VPBXControl

@Suite struct ControlServerTests {
    @Test func typedCallsRoundTripThroughARealSocket() async throws {
        let engine = try await StubEngine()
        let client = try await ControlClient.connect(socketPath: engine.socketPath)
        let hello = try await client.hello(client: "test")
        #expect(hello.role == .admin, "tests run as root or as the engine's own user")
        let created = try await client.call(
            ExtensionCreate.self, .init(number: "101", name: "Kovács Éva", password: "s3cret", kind: .agent))
        #expect(created.kind == .agent && created.enabled)
        #expect(try await client.call(ExtensionList.self, .init()).map(\.number) == ["101"])
        let error = await #expect(throws: RPCError.self) {
            try await client.call(ExtensionCreate.self, .init(number: "101", name: "X", password: "y"))
        }
        #expect(error?.reason == .conflict)
        let raw = try await client.call(method: ExtensionGet.name, params: ["number": "101"])
        #expect(raw["name"] == "Kovács Éva")
        #expect(raw["password"] == nil)
        await client.close()
        await engine.stop()
    }

    @Test func concurrentCallsAreMatchedById() async throws {
        let engine = try await StubEngine()
        let client = try await ControlClient.connect(socketPath: engine.socketPath)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    let number = "\(200 + index)"
                    let info = try await client.call(ExtensionCreate.self, .init(number: number, name: "n\(index)", password: "p"))
                    #expect(info.number == number)
                }
            }
            try await group.waitForAll()
        }
        #expect(try await client.call(EngineStatus.self, .init()).extensions == 20)
        await client.close()
        await engine.stop()
    }

    @Test func malformedAndOversizedInputGetErrorsAndTheConnectionSurvives() async throws {
        let engine = try await StubEngine(maximumLineLength: 256)
        let lines = try await RawConnection.exchange(
            path: engine.socketPath,
            send: "not json\n" + String(repeating: "x", count: 1000) + "\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"nope.nope\"}\n"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"engine.status\"}\n"  // a notification: no answer
                + "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"engine.status\"}\n",
            expecting: 4)
        #expect(lines[0]["error"]?["data"]?["reason"] == "parse_error")
        #expect(lines[1]["error"]?["data"]?["reason"] == "invalid_request")
        #expect(lines[2]["error"]?["code"] == .int(Int64(RPCError.Code.methodNotFound)))
        #expect(lines[2]["id"] == 9)
        #expect(lines[3]["id"] == "s")
        #expect(lines[3]["result"]?["activeCalls"] == 1)
        await engine.stop()
    }

    @Test func unreachableSocketIsADistinctError() async throws {
        let error = await #expect(throws: ControlClientError.self) {
            try await ControlClient.connect(socketPath: "/tmp/vpbx-t-missing.sock")
        }
        #expect(error?.kind == .unreachable)
        #expect(error?.description == "cannot reach the engine at /tmp/vpbx-t-missing.sock (is vpbx-engine running? see vpbx-engine(8))")
    }

    @Test func subscriptionGetsSnapshotThenEventsInOrder() async throws {
        let engine = try await StubEngine()
        await engine.hub.setSnapshotProvider { _ in ["calls": []] }
        await engine.hub.publish(topic: "call", type: "call.ringing", data: nil)
        let client = try await ControlClient.connect(socketPath: engine.socketPath)
        let (snapshot, events) = try await client.subscribe(topics: ["call"])
        #expect(snapshot.seq == 1)
        #expect(snapshot.snapshot["calls"] == [])
        await engine.hub.publish(topic: "registration", type: "registration.added", data: nil)
        await engine.hub.publish(topic: "call", type: "call.answered", data: ["id": "c1"])
        await engine.hub.publish(topic: "call", type: "call.ended", data: ["id": "c1"])
        var received: [RPCEvent] = []
        for try await event in events {
            received.append(event)
            if received.count == 2 { break }
        }
        #expect(received.map(\.seq) == [3, 4])
        #expect(received.first?.data["id"] == "c1")
        // Calls keep working on a subscribed connection.
        #expect(try await client.call(EngineStatus.self, .init()).activeCalls == 1)
        await client.close()
        try await waitUntil { await engine.hub.subscriberCount == 0 }
        await engine.stop()
    }

    @Test func aSubscriberThatDoesNotReadIsOverflowedAndCleanedUp() async throws {
        let engine = try await StubEngine(bufferLimit: 5)
        // A raw socket that subscribes and then reads nothing (ControlClient would keep
        // reading into its own buffer): the kernel's buffers fill, the connection's writes
        // wait, and the hub's buffer of 5 overflows.
        let fd = try connectRaw(to: engine.socketPath)
        defer { close(fd) }
        let request = #"{"jsonrpc":"2.0","id":1,"method":"events.subscribe","params":{}}"# + "\n"
        #expect(write(fd, request, request.utf8.count) == request.utf8.count)
        try await waitUntil { await engine.hub.subscriberCount == 1 }
        let blob = JSONValue.string(String(repeating: "b", count: 64 * 1024))
        for _ in 0..<400 { await engine.hub.publish(topic: "call", type: "call.big", data: blob) }
        // Reading now: whatever was written before the overflow, then the overflow marker,
        // then the end of the subscription.
        let overflow = Array(#""type":"events.overflow""#.utf8)
        // Blocking reads off the cooperative pool, which the engine under test needs.
        let received: [UInt8] = try await onOwnThread {
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while !received.suffix(1 << 17).contains(overflow) {
                let count = read(fd, &chunk, chunk.count)
                guard count > 0 else { break }
                received += chunk[..<count]
            }
            return received
        }
        #expect(received.suffix(1 << 17).contains(overflow))
        let lines = received.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count < 400)
        try await waitUntil { await engine.hub.subscriberCount == 0 }
        await engine.stop()
    }

    @Test func stopRemovesTheSocketAndEndsConnections() async throws {
        let engine = try await StubEngine()
        let client = try await ControlClient.connect(socketPath: engine.socketPath)
        _ = try await client.subscribe()
        #expect(FileManager.default.fileExists(atPath: engine.socketPath))
        let mode = try FileManager.default.attributesOfItem(atPath: engine.socketPath)[.posixPermissions] as? Int
        #expect(mode == 0o660)
        await engine.stop()
        #expect(!FileManager.default.fileExists(atPath: engine.socketPath))
        await #expect(throws: (any Error).self) { try await client.call(EngineStatus.self, .init()) }
    }

    /// A result JSON cannot carry (a NaN average) is answered as an internal error, and the
    /// connection carries on: the result is encoded only when the response is written.
    @Test func aResultThatIsNotJSONIsAnInternalErrorAndTheConnectionGoesOn() async throws {
        let engine = try await StubEngine()
        let period = QueuePeriodInfo(
            since: StubEngine.started, offered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, overflowed: 0,
            rejected: 0, serviceLevelPercent: .nan, averageSpeedOfAnswerSeconds: nil, averageHandleTimeSeconds: nil,
            longestWaitSeconds: 0)
        engine.router.register(QueueStats.self) { _, _ in
            [
                QueueStatsInfo(
                    queue: "support", callsWaiting: 0, longestCurrentWaitSeconds: 0, agentsLoggedIn: 0,
                    agentsAvailable: 0, agentsRinging: 0, agentsOnCall: 0, agentsInWrapUp: 0, agentsPaused: 0,
                    agentsOnOtherCall: 0, today: period, window: period, waiting: [])
            ]
        }
        let client = try await ControlClient.connect(socketPath: engine.socketPath)
        let error = await #expect(throws: RPCError.self) { try await client.call(QueueStats.self, .init()) }
        #expect(error?.reason == .internal)
        #expect(error?.message.contains("queue.stats") == true)
        #expect(try await client.call(EngineStatus.self, .init()).activeCalls == 1)
        await client.close()
        await engine.stop()
    }

    @Test func staleSocketIsReplacedButALiveOneIsNot() async throws {
        let engine = try await StubEngine()
        let second = ControlServer(
            configuration: .init(socketPath: engine.socketPath), router: ControlRouter(), events: EventHub())
        await #expect(throws: ControlServerError.self) { try await second.start() }
        await engine.stop()
        // Leave a dead socket file behind, as a crash would.
        try leaveDeadSocket(at: engine.socketPath)
        #expect(FileManager.default.fileExists(atPath: engine.socketPath))
        try await second.start()
        let client = try await ControlClient.connect(socketPath: engine.socketPath)
        let error = await #expect(throws: RPCError.self) { try await client.call(EngineStatus.self, .init()) }
        #expect(error?.reason == .unavailable)
        await second.stop()
    }
}

/// Binds a socket file and closes it without unlinking, like a crashed engine.
func leaveDeadSocket(at path: String) throws {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    #expect(withUnixAddress(path) { bind(fd, $0, $1) } == 0)
}

/// Calls `body` with the `sockaddr_un` of `path` and its size.
func withUnixAddress<R>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: Array(path.utf8))
    }
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
}

/// Polls `condition` every 10 ms for up to 30 s: a bound for a broken server, not a speed
/// check. Two hundred polls (what it was) take two seconds alone but far longer in
/// `swift test`'s parallel run, and still failed there now and then when the client's
/// close had not reached the hub by the last of them.
func waitUntil(_ condition: @Sendable () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(30)
    while ContinuousClock.now < deadline {
        if await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("condition not met in 30 s")
}

/// A blocking Unix stream socket connected to `path` (with a 10 s receive timeout, so a read
/// that would wait forever fails the test instead).
func connectRaw(to path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard withUnixAddress(path, { connect(fd, $0, $1) }) == 0 else {
        close(fd)
        throw POSIXError(.ECONNREFUSED)
    }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    return fd
}
