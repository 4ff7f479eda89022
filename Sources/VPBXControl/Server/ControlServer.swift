import Logging
import NIOCore
import NIOPosix

/// The engine's control socket: a Unix stream socket speaking line-framed JSON-RPC,
/// dispatching to a `ControlRouter` and streaming events from an `EventHub`.
public actor ControlServer {
    public struct Configuration: Sendable {
        public var socketPath: String
        /// Mode of the socket file; 0660 lets the socket's group connect.
        public var socketMode: UInt32
        /// Group to give the socket file to (e.g. the gid of `vpbx`); nil: keep.
        public var socketGroup: UInt32?
        /// Longest accepted request line in bytes.
        public var maximumLineLength: Int

        public init(socketPath: String, socketMode: UInt32 = 0o660, socketGroup: UInt32? = nil, maximumLineLength: Int = 1 << 20) {
            self.socketPath = socketPath
            self.socketMode = socketMode
            self.socketGroup = socketGroup
            self.maximumLineLength = maximumLineLength
        }
    }

    /// What the accept loop receives. The channel is wrapped for async use only inside
    /// its connection task: NIO traps when a wrapped channel is dropped unserved, which
    /// would happen to one accepted just as the listener closes.
    private struct Accepted: Sendable {
        var peer: PeerCredentials?
        var channel: any Channel
    }

    public nonisolated let configuration: Configuration
    private let router: ControlRouter
    private let events: EventHub
    private let roles: RoleResolver
    private let logger: Logger
    private let group: any EventLoopGroup
    private var acceptTask: Task<Void, Never>?
    private var listener: (any Channel)?
    private var socketInode: UInt64?

    public init(
        configuration: Configuration, router: ControlRouter, events: EventHub, roles: RoleResolver = RoleResolver(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "vpbx.control")
    ) {
        self.configuration = configuration
        self.router = router
        self.events = events
        self.roles = roles
        self.group = group
        self.logger = logger
    }

    /// Binds the socket (replacing a stale one left by a crash, but never a live one) and
    /// starts accepting. Returns once clients can connect.
    public func start() async throws {
        precondition(acceptTask == nil, "ControlServer.start() called twice")
        let path = configuration.socketPath
        guard path.utf8.count <= 107 else { throw ControlServerError.pathTooLong(path: path) }
        if SocketFile.isSocket(at: path) {
            if SocketFile.isListening(at: path) { throw ControlServerError.alreadyRunning(path: path) }
            SocketFile.remove(at: path)
        } else if SocketFile.inode(at: path) != nil {
            throw ControlServerError.notASocket(path: path)
        }
        let lineLimit = configuration.maximumLineLength
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            // Nothing is read before the connection task has wrapped the channel.
            .childChannelOption(.autoRead, value: false)
            .bind(unixDomainSocketPath: path) { channel in
                PeerCredentials.read(from: channel).flatMapThrowing { peer in
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineLength: lineLimit)))
                    return Accepted(peer: peer, channel: channel)
                }
            }
        do {
            try SocketFile.setPermissions(at: path, mode: mode_t(configuration.socketMode), group: configuration.socketGroup)
        } catch {
            try? await server.channel.close()
            SocketFile.remove(at: path)
            throw error
        }
        socketInode = SocketFile.inode(at: path)
        logger.info("control socket listening", metadata: ["path": "\(path)"])
        listener = server.channel
        acceptTask = Task { await self.accept(server) }
    }

    /// Stops accepting, ends every connection (event streams included) and removes the
    /// socket file if it is still ours.
    public func stop() async {
        guard let task = acceptTask else { return }
        // Closing the listener (rather than cancelling the accept loop) lets the loop
        // take every connection already accepted: NIO traps if one is dropped unserved.
        try? await listener?.close()
        await task.value
        acceptTask = nil
        listener = nil
        let path = configuration.socketPath
        if let inode = socketInode, SocketFile.inode(at: path) == inode { SocketFile.remove(at: path) }
        socketInode = nil
        logger.info("control socket closed", metadata: ["path": "\(path)"])
    }

    /// Serves until the calling task is cancelled (the swift-service-lifecycle shape).
    public func run() async throws {
        try await start()
        await withTaskCancellationHandler {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        } onCancel: {}
        await stop()
    }

    private nonisolated func accept(_ server: NIOAsyncChannel<Accepted, Never>) async {
        do {
            try await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { connections in
                    for try await accepted in inbound {
                        let peer = accepted.peer ?? ControlConnection.unknownPeer
                        let connection = ControlConnection(
                            peer: peer, role: accepted.peer.flatMap(roles.role(for:)), router: router,
                            events: events, maximumLineLength: configuration.maximumLineLength, logger: logger)
                        connections.addTask { await connection.serve(accepted.channel) }
                    }
                    // The listener is closed: end the connections still open.
                    connections.cancelAll()
                }
            }
        } catch {
            logger.error("control socket failed", metadata: ["error": "\(error)"])
        }
    }
}
