import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import VPBXSIP

/// A plain NIO TCP connection standing in for a phone: writes raw bytes, collects the bytes it
/// receives and notices when the other side closes.
final class TCPPeer: Sendable {
    let channel: any Channel
    private let log: ByteLog

    private init(channel: any Channel, log: ByteLog) {
        self.channel = channel
        self.log = log
    }

    var localPort: Int { channel.localAddress?.port ?? 0 }
    var received: [UInt8] { log.bytes }
    var isClosed: Bool { log.isClosed }

    /// `tls`: the connection speaks TLS with this client context (a TLS phone).
    static func connect(port: Int, tls: NIOSSLContext? = nil) async throws -> TCPPeer {
        let log = ByteLog()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: nil)) }
                    try channel.pipeline.syncOperations.addHandler(ByteCollector(log: log))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return TCPPeer(channel: channel, log: log)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// Writes `bytes` in chunks of the given sizes (cycled), each flushed on its own.
    func send(_ bytes: [UInt8], inChunksOf sizes: [Int]) async throws {
        var offset = 0
        var turn = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + sizes[turn % sizes.count])
            try await send(Array(bytes[offset..<end]))
            try await Task.sleep(for: .milliseconds(1))
            offset = end
            turn += 1
        }
    }

    /// Waits for `count` whole SIP responses on the stream.
    func waitForResponses(_ count: Int, timeout: Duration = waitLimit) async throws -> [SIPResponse] {
        try await eventually(timeout: timeout, "\(count) responses on TCP") { try self.responses().count >= count }
        return try responses()
    }

    func waitUntilClosed(timeout: Duration = waitLimit) async throws {
        try await eventually(timeout: timeout, "connection closed by the transport") { self.isClosed }
    }

    func close() async { try? await channel.close() }

    private func responses() throws -> [SIPResponse] {
        try log.messages().map { try parseResponse($0) }
    }
}

/// Bytes received on a connection (or on all connections of a test server).
final class ByteLog: Sendable {
    private let state = NIOLockedValueBox((bytes: [UInt8](), closed: false, channels: [any Channel]()))

    var bytes: [UInt8] { state.withLockedValue { $0.bytes } }
    var isClosed: Bool { state.withLockedValue { $0.closed } }
    /// The connections opened so far (a server's accepted children).
    var channels: [any Channel] { state.withLockedValue { $0.channels } }

    func append(_ buffer: ByteBuffer) { state.withLockedValue { $0.bytes += buffer.readableBytesView } }
    func markOpened(_ channel: any Channel) { state.withLockedValue { $0.channels.append(channel) } }
    func markClosed() { state.withLockedValue { $0.closed = true } }

    /// Whole SIP messages framed out of the bytes so far (keep-alives skipped).
    func messages() throws -> [[UInt8]] {
        var bytes = ArraySlice(self.bytes)
        var result: [[UInt8]] = []
        while !bytes.isEmpty {
            let frame = try bytes.withUnsafeBytes { try SIPStreamFramer.nextFrame(in: $0) }
            switch frame {
            case .needMoreData: return result
            case .keepAlive(let count): bytes = bytes.dropFirst(count)
            case .message(let length):
                result.append(Array(bytes.prefix(length)))
                bytes = bytes.dropFirst(length)
            }
        }
        return result
    }
}

final class ByteCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let log: ByteLog

    init(log: ByteLog) { self.log = log }

    func channelActive(context: ChannelHandlerContext) {
        log.markOpened(context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        log.append(Self.unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        log.markClosed()
        context.fireChannelInactive()
    }
}

/// A TCP server on 127.0.0.1 standing in for a phone's TCP contact; `reply` answers each
/// complete message it receives with bytes of its choosing.
final class TCPTestServer: Sendable {
    let channel: any Channel
    let log: ByteLog

    private init(channel: any Channel, log: ByteLog) {
        self.channel = channel
        self.log = log
    }

    var port: Int { channel.localAddress?.port ?? 0 }

    /// `tls`: the server speaks TLS with this server context (a phone listening for TLS).
    static func start(tls: NIOSSLContext? = nil) async throws -> TCPTestServer {
        let log = ByteLog()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(ByteCollector(log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return TCPTestServer(channel: channel, log: log)
    }

    func close() async { try? await channel.close() }
}
