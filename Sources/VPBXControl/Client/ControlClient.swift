import Foundation
import NIOCore
import NIOPosix

/// A connection to the engine's control socket. Calls may run concurrently; responses
/// are matched by id. Used by `vpbx`, `vpbx-tui` and tests.
public actor ControlClient {
    public nonisolated let socketPath: String
    /// Per-call limit; nil waits forever.
    public nonisolated let timeout: Duration?
    /// Events the local consumer may lag behind before its stream fails.
    public nonisolated let eventBufferLimit: Int

    private let channel: NIOAsyncChannel<LineFrame, ByteBuffer>
    private var outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>?
    private var ready: CheckedContinuation<Void, Never>?
    /// Callers waiting for a response, by request id: each gets the response line's bytes.
    private var pending: [Int64: CheckedContinuation<Data, any Error>] = [:]
    private var nextID: Int64 = 1
    private var events: AsyncThrowingStream<RPCEvent, any Error>.Continuation?
    private var isClosed = false

    private init(socketPath: String, timeout: Duration?, eventBufferLimit: Int, channel: NIOAsyncChannel<LineFrame, ByteBuffer>) {
        self.socketPath = socketPath
        self.timeout = timeout
        self.eventBufferLimit = eventBufferLimit
        self.channel = channel
    }

    /// Connects to the engine. Throws `ControlClientError` (kind `.unreachable`) when no
    /// engine listens at `socketPath`.
    public static func connect(
        socketPath: String, timeout: Duration? = .seconds(10), eventBufferLimit: Int = 10_000,
        maximumLineLength: Int = 64 << 20, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> ControlClient {
        let channel: NIOAsyncChannel<LineFrame, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(Int64(timeout.map { max(1, $0.components.seconds) } ?? 30)))
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximumLineLength)))
                        return try NIOAsyncChannel<LineFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw ControlClientError.cannotConnect(path: socketPath, permissionDenied: Self.errno(of: error) == EACCES)
        }
        let client = ControlClient(
            socketPath: socketPath, timeout: timeout, eventBufferLimit: eventBufferLimit, channel: channel)
        await client.startReading()
        return client
    }

    /// Calls a catalog method with typed params and result. Engine errors are thrown as
    /// `RPCError`, client failures as `ControlClientError`.
    public func call<M: RPCMethod>(_ method: M.Type, _ params: M.Params) async throws -> M.Result {
        try await call(method: M.name, params: try RPCCoding.jsonValue(params), as: M.Result.self)
    }

    /// Calls any method by name with raw params; returns the raw result.
    public func call(method: String, params: JSONValue?) async throws -> JSONValue {
        try await call(method: method, params: params, as: JSONValue.self)
    }

    private func call<Result: Decodable>(method: String, params: JSONValue?, as type: Result.Type) async throws
        -> Result
    {
        let line = try await withTimeout(method) { try await self.send(method: method, params: params) }
        do {
            return try RPCCoding.makeDecoder().decode(RPCResultLine<Result>.self, from: line).result
        } catch {
            throw ControlClientError.badResponse(method: method, "\(error)")
        }
    }

    /// `engine.hello`, failing clearly when the engine speaks another protocol version.
    public func hello(client: String? = nil) async throws -> EngineHello.Result {
        let result = try await call(EngineHello.self, .init(client: client))
        guard result.protocolVersion == EngineHello.protocolVersion else {
            throw ControlClientError.unsupportedProtocol(engine: result.protocolVersion)
        }
        return result
    }

    /// Subscribes to events on this connection. The stream ends after an
    /// `events.overflow` event or when the connection closes, and fails with
    /// `ControlClientError.eventsOverflowed` when the local consumer falls behind.
    public func subscribe(topics: [String]? = nil) async throws -> (
        snapshot: EventsSubscribe.Result, events: AsyncThrowingStream<RPCEvent, any Error>
    ) {
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: RPCEvent.self, bufferingPolicy: .bufferingOldest(eventBufferLimit))
        // Installed before the request: the first event may follow the response at once.
        events?.finish()
        events = continuation
        do {
            let snapshot = try await call(EventsSubscribe.self, .init(topics: topics))
            return (snapshot, stream)
        } catch {
            continuation.finish()
            events = nil
            throw error
        }
    }

    /// Closes the connection; pending calls fail, the event stream ends.
    public func close() async {
        try? await channel.channel.close()
    }

    // MARK: - Reading

    private func startReading() async {
        await withCheckedContinuation { continuation in
            ready = continuation
            let channel = self.channel
            Task {
                do {
                    try await channel.executeThenClose { inbound, outbound in
                        self.attach(outbound)
                        for try await frame in inbound { self.receive(frame) }
                    }
                } catch {}
                self.closed()
            }
        }
    }

    private func attach(_ writer: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        outbound = writer
        ready?.resume()
        ready = nil
    }

    private func receive(_ frame: LineFrame) {
        guard case .line(let bytes) = frame else { return }
        let line = Data(bytes.readableBytesView)
        let decoder = RPCCoding.makeDecoder()
        // Nothing sensible to do with garbage from the engine but skip it.
        guard let incoming = try? decoder.decode(RPCIncoming.self, from: line) else { return }
        switch incoming.kind {
        case .response(let id, let error):
            guard let id = id.intValue, let waiting = pending.removeValue(forKey: id) else { return }
            if let error { waiting.resume(throwing: error) } else { waiting.resume(returning: line) }
        case .notification(let method) where method == RPCEvent.notificationMethod:
            guard let event = try? decoder.decode(RPCParamsLine<RPCEvent>.self, from: line).params else { return }
            deliver(event)
        case .notification:
            return
        }
    }

    private func deliver(_ event: RPCEvent) {
        guard let events else { return }
        if case .dropped = events.yield(event) {
            events.finish(throwing: ControlClientError.eventsOverflowed)
            self.events = nil
        } else if event.isOverflow {
            events.finish()
            self.events = nil
        }
    }

    private func closed() {
        isClosed = true
        ready?.resume()
        ready = nil
        let waiting = pending
        pending.removeAll()
        for continuation in waiting.values {
            continuation.resume(throwing: ControlClientError.connectionClosed(path: socketPath))
        }
        events?.finish()
        events = nil
    }

    // MARK: - Writing

    /// Sends a request and returns its response line (an error response is thrown).
    private func send(method: String, params: JSONValue?) async throws -> Data {
        guard !isClosed, let outbound else { throw ControlClientError.connectionClosed(path: socketPath) }
        let id = nextID
        nextID += 1
        let line = try ControlConnection.encodeLine(RPCRequest(id: .int(id), method: method, params: params))
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                // Registered before writing, so a fast answer always finds its caller.
                pending[id] = continuation
                Task {
                    do { try await outbound.write(line) } catch { self.fail(id, error) }
                }
            }
        } onCancel: {
            Task { await self.fail(id, CancellationError()) }
        }
    }

    private func fail(_ id: Int64, _ error: any Error) {
        pending.removeValue(forKey: id)?.resume(throwing: error)
    }

    private nonisolated func withTimeout<T: Sendable>(
        _ method: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard let timeout else { return try await body() }
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw ControlClientError.timedOut(method: method, after: timeout)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private static func errno(of error: any Error) -> Int32? {
        if let error = error as? IOError { return error.errnoCode }
        if let error = error as? NIOConnectionError {
            return error.connectionErrors.lazy.compactMap { Self.errno(of: $0.error) }.first
        }
        return nil
    }
}
