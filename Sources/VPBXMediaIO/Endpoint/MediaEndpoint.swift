import Logging
import NIOCore
import VPBXMedia
import VPBXNetwork
import VPBXRTP

/// A call leg terminated by the engine: an RTP/RTCP port pair from the relay's pool, a 20 ms
/// G.711 sender paced by its event loop, a jitter buffer and key receivers on the way in.
///
/// Everything mutable lives on one event loop (`EndpointCore`); these methods hop there. See
/// docs/media.md for the pacing and latching rules.
public final class MediaEndpoint: MediaChannel {
    /// Tuning that is not negotiated per call.
    public struct Configuration: Sendable {
        /// Time between RTCP sender reports (RFC 3550 suggests about 5 s).
        public var rtcpInterval: TimeAmount
        /// The receive jitter buffer.
        public var jitterBuffer: JitterBufferConfiguration
        /// Frames made up at once after the loop was late; beyond this they are skipped.
        public var maximumCatchUpFrames: Int
        /// The SDES CNAME in every RTCP report.
        public var cname: String

        public init(
            rtcpInterval: TimeAmount = .seconds(5), jitterBuffer: JitterBufferConfiguration = .init(),
            maximumCatchUpFrames: Int = 10, cname: String = "vpbx"
        ) {
            self.rtcpInterval = rtcpInterval
            self.jitterBuffer = jitterBuffer
            self.maximumCatchUpFrames = maximumCatchUpFrames
            self.cname = cname
        }
    }

    public let localPort: Int
    public let digits: AsyncStream<DTMFDigit>
    private let core: NIOLoopBound<EndpointCore>
    private let loop: any EventLoop
    private let pair: RelaySocketPair
    private let relay: RTPRelay

    private init(
        core: NIOLoopBound<EndpointCore>, loop: any EventLoop, pair: RelaySocketPair, relay: RTPRelay,
        digits: AsyncStream<DTMFDigit>
    ) {
        self.core = core
        self.loop = loop
        self.pair = pair
        self.relay = relay
        self.localPort = pair.port
        self.digits = digits
    }

    /// Binds a pair on `bindHost` from `relay`'s pool and starts the media clock (silence is
    /// sent as soon as a remote address is known).
    /// - Throws: the relay's `portsExhausted` or bind error; nothing stays bound then.
    public static func open(
        relay: RTPRelay, bindHost: String, parameters: MediaChannelParameters,
        configuration: Configuration = Configuration(), logger: Logger = Logger(label: "vpbx.media-endpoint")
    ) async throws -> MediaEndpoint {
        let loop = relay.eventLoopGroup.next()
        let pair = try await relay.bindEndpointPair(host: bindHost, on: loop)
        let remote: SocketAddress?
        do {
            remote = try Self.address(host: parameters.remoteHost, port: parameters.remotePort)
        } catch {
            await relay.releaseEndpointPair(pair)
            throw error
        }
        let (digits, sink) = AsyncStream<DTMFDigit>.makeStream(bufferingPolicy: .bufferingNewest(64))
        do {
            let core = try await loop.submit {
                let core = EndpointCore(
                    loop: loop, pair: pair, parameters: parameters, configuration: configuration, logger: logger,
                    digitSink: sink)
                try pair.rtp.pipeline.syncOperations.addHandler(EndpointInboundHandler(core: core, isRTCP: false))
                try pair.rtcp.pipeline.syncOperations.addHandler(EndpointInboundHandler(core: core, isRTCP: true))
                if let remote { core.setRemote(remote) }
                core.startClock()
                return NIOLoopBound(core, eventLoop: loop)
            }.get()
            return MediaEndpoint(core: core, loop: loop, pair: pair, relay: relay, digits: digits)
        } catch {
            sink.finish()
            await relay.releaseEndpointPair(pair)
            throw error
        }
    }

    public func setRemote(host: String, port: Int) async throws {
        guard let address = try Self.address(host: host, port: port) else { return }
        try await onLoop { $0.setRemote(address) }
    }

    public func relatch() async { try? await onLoop { $0.relatch() } }

    public func play(_ items: [PlayItem]) async -> PlaybackOutcome {
        if Task.isCancelled { return .stopped }
        let core = self.core
        return await withTaskCancellationHandler {
            await withCheckedContinuation { waiter in
                loop.execute { core.value.startPlayback(items, waiter: waiter) }
            }
        } onCancel: {
            loop.execute { core.value.endPlayback(.stopped) }
        }
    }

    public func stopPlayback() async { try? await onLoop { $0.endPlayback(.stopped) } }

    public func connect(to port: ConferencePort?) async { try? await onLoop { $0.conference = port } }

    public func record(_ configuration: RecorderConfiguration) async -> Recording {
        let core = self.core
        return await withTaskCancellationHandler {
            await withCheckedContinuation { waiter in
                loop.execute { core.value.startRecording(configuration, waiter: waiter) }
            }
        } onCancel: {
            loop.execute { core.value.stopRecording() }
        }
    }

    public func stopRecording() async { try? await onLoop { $0.stopRecording() } }

    public func receiveSignalledDigit(_ digit: DTMFDigit) async { try? await onLoop { $0.deliver(digit) } }

    public func sendDigits(_ digits: [DTMFDigit]) async { try? await onLoop { $0.queueDigits(digits) } }

    /// Counters so far.
    public func statistics() async -> MediaEndpointStatistics {
        (try? await onLoop { $0.statistics }) ?? MediaEndpointStatistics()
    }

    public func close() async {
        // Only the first close gives the port back: by a second one the pool may have handed
        // the same port to another endpoint.
        guard (try? await onLoop { $0.close() }) == true else { return }
        await relay.releaseEndpointPair(pair)
    }

    private func onLoop<T: Sendable>(_ body: @escaping @Sendable (EndpointCore) -> T) async throws -> T {
        let core = self.core
        return try await loop.submit { body(core.value) }.get()
    }

    private static func address(host: String?, port: Int?) throws -> SocketAddress? {
        guard let host, let port else { return nil }
        do {
            return try SocketAddress.numeric(host: host, port: port)
        } catch {
            throw MediaEndpointError(
                "remote media address '\(host)' port \(port) is not a numeric IP address and port; the SDP must give one"
            )
        }
    }
}
