import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A plain NIO UDP socket on 127.0.0.1 standing in for a phone: sends datagrams and collects
/// what it receives.
final class UDPPhone: Sendable {
    let channel: any Channel
    let port: Int
    /// The loopback address it is bound to and sends to: 127.0.0.1, or ::1.
    let host: String
    private let inbox: NIOLockedValueBox<[AddressedEnvelope<ByteBuffer>]>

    private init(channel: any Channel, host: String, inbox: NIOLockedValueBox<[AddressedEnvelope<ByteBuffer>]>) {
        self.channel = channel
        self.port = channel.localAddress!.port!
        self.host = host
        self.inbox = inbox
    }

    /// Binds a phone on `host` (port 0: the kernel picks one unless `port` is given), on
    /// `group`'s loops: a test that holds one of the shared loops gives the phone its own group,
    /// or the phone stops reading meanwhile and its socket buffer overflows.
    static func bind(
        port: Int = 0, host: String = "127.0.0.1", group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> UDPPhone {
        let inbox = NIOLockedValueBox<[AddressedEnvelope<ByteBuffer>]>([])
        let channel = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(inbox: inbox))
                }
            }
            .bind(host: host, port: port)
            .get()
        // A receive buffer that holds a test's whole burst (hundreds of datagrams) while the
        // phone's loop waits for a core: with the kernel's default (about 200 KB, some 170
        // datagrams) bursts were lost when the suite ran on two busy cores. Forced past
        // net.core.rmem_max where allowed (root), else as large as that allows.
        let bytes = 4 << 20
        if (try? await channel.setOption(.socketOption(.init(rawValue: SO_RCVBUFFORCE)), value: bytes).get()) == nil {
            try? await channel.setOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(bytes)).get()
        }
        return UDPPhone(channel: channel, host: host, inbox: inbox)
    }

    func send(_ bytes: [UInt8], to port: Int) async throws {
        let address = try SocketAddress(ipAddress: self.host, port: port)
        let envelope = AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: bytes))
        try await self.channel.writeAndFlush(envelope).get()
    }

    /// What arrived so far.
    var received: [AddressedEnvelope<ByteBuffer>] { self.inbox.withLockedValue { $0 } }

    /// Waits until at least `count` datagrams arrived, at most `timeout`; returns what arrived.
    func waitForPackets(_ count: Int, timeout: Duration = waitLimit) async throws -> [AddressedEnvelope<ByteBuffer>] {
        try await eventually(timeout: timeout) { self.received.count >= count }
        return self.received
    }

    /// How many datagrams arrived once none came for `quiet` (at most `waitLimit`): what was
    /// in flight when the caller stopped a stream has landed by then.
    func settledCount(quiet: Duration = .milliseconds(60)) async throws -> Int {
        var count = self.received.count
        let deadline = ContinuousClock.now + waitLimit
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: quiet)
            let now = self.received.count
            if now == count { return count }
            count = now
        }
        throw TimedOut(description: "datagrams still arriving after \(waitLimit)")
    }

    func close() async {
        try? await self.channel.close()
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let inbox: NIOLockedValueBox<[AddressedEnvelope<ByteBuffer>]>
        init(inbox: NIOLockedValueBox<[AddressedEnvelope<ByteBuffer>]>) { self.inbox = inbox }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = self.unwrapInboundIn(data)
            self.inbox.withLockedValue { $0.append(envelope) }
        }
    }
}

struct TimedOut: Error, CustomStringConvertible {
    let description: String
}

/// How long the waits of these tests give a condition by default: an upper bound only (a wait
/// returns as soon as its condition holds), so it can be generous. 2 s was not always enough
/// with the whole test run sharing two cores.
let waitLimit: Duration = .seconds(10)

/// Polls `condition` every 5 ms until it holds; throws after `timeout`, so no test waits forever.
func eventually(
    timeout: Duration = waitLimit,
    _ what: String = "condition",
    _ condition: @Sendable () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    if try await condition() { return }
    throw TimedOut(description: "\(what) not reached within \(timeout)")
}

/// Whether `body` finished within `limit`. A body that never finishes is left behind instead of
/// hanging the test run (a task group would wait for it), so a lost wake-up fails a test.
func finishes(within limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
    let waiter = NIOLockedValueBox<CheckedContinuation<Result<Bool, any Error>, Never>?>(nil)
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Bool, any Error>, Never>) in
        waiter.withLockedValue { $0 = continuation }
        Task {
            let outcome: Result<Bool, any Error>
            do {
                try await body()
                outcome = .success(true)
            } catch {
                outcome = .failure(error)
            }
            waiter.withLockedValue { $0.take() }?.resume(returning: outcome)
        }
        Task {
            try? await Task.sleep(for: limit)
            waiter.withLockedValue { $0.take() }?.resume(returning: .success(false))
        }
    }
    return try result.get()
}

/// Runs `body` with two phones bound on 127.0.0.1 and closes both afterwards, also when `body`
/// throws.
func withTwoPhones(_ body: (UDPPhone, UDPPhone) async throws -> Void) async throws {
    let phoneA = try await UDPPhone.bind()
    let phoneB: UDPPhone
    do {
        phoneB = try await UDPPhone.bind()
    } catch {
        await phoneA.close()
        throw error
    }
    do {
        try await body(phoneA, phoneB)
    } catch {
        await phoneA.close()
        await phoneB.close()
        throw error
    }
    await phoneA.close()
    await phoneB.close()
}
