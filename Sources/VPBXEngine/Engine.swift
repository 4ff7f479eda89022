import Foundation
import Logging
import NIOCore
import NIOPosix
import VPBXControl
import VPBXNetwork
import VPBXPBX
import VPBXStore

/// The composition root: opens the store, binds SIP, RTP and the control socket, and wires the
/// PBX core between them. `vpbx-engine` only parses arguments and calls `start`/`stop`.
public actor Engine {
    public static let version = "0.1.0"

    let configuration: EngineConfiguration
    let logger: Logger
    private var group: MultiThreadedEventLoopGroup?
    private var database: VPBXDatabase?
    private var transport: SIPTransport?
    private var pbx: PBXCore?
    private var control: ControlServer?
    private var eventBridge: EventBridge?

    public init(configuration: EngineConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func start() async throws {
        let config = configuration
        let descriptors = FileDescriptorLimit.raiseToMaximum()
        if descriptors < 4096 {
            logger.warning("file descriptor limit is \(descriptors): about \(descriptors / 4) simultaneous calls (raise 'ulimit -n')")
        }
        try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
        let database = try VPBXDatabase.open(dataDirectory: config.dataDirectory)
        self.database = database
        let extensions = GRDBExtensionRepository(database: database)
        let registrations = GRDBRegistrationRepository(database: database)
        let cdrs = GRDBCDRRepository(database: database)

        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        self.group = group
        // Closed calls' sockets are reused after a quarter second instead of binding four new
        // sockets per call; up to half the range's sessions (at most 1024, 4096 descriptors)
        // stay parked, which covers 4,000 calls/s of short calls.
        let sessionsInRange = (config.rtpPorts.count / 2) / 2
        let relay = try RTPRelay(
            group: group,
            configuration: RTPRelay.Configuration(
                portRange: config.rtpPorts, inactivityTimeout: .seconds(Int64(config.rtpTimeoutSeconds)),
                idleSessionLimit: min(1024, sessionsInRange / 2), idleReuseDelay: .milliseconds(250)),
            logger: logger)
        let transport = SIPTransport(
            group: group, configuration: SIPTransportConfiguration(host: config.sipHost, port: config.sipPort, logger: logger))
        self.transport = transport

        let events = EventHub()
        let bridge = EventBridge(hub: events)
        self.eventBridge = bridge
        let pbxConfiguration = PBXConfiguration(
            realm: config.realm, advertisedHost: config.advertisedHost, advertisedPort: config.sipPort,
            mediaAddress: config.mediaAddress, trustedNetworks: try config.trustedNetworks(),
            userAgent: "vpbx/\(Engine.version)")
        let rtpBindHost = config.sipHost == "::" ? "0.0.0.0" : config.sipHost
        let pbx = PBXCore(
            configuration: pbxConfiguration, outbound: SIPTransportAdapter(transport: transport),
            media: RelayMediaFactory(relay: relay, bindHost: rtpBindHost),
            extensions: extensions, registrations: registrations, cdrs: cdrs, logger: logger,
            events: { bridge.forward($0) }, writer: GRDBStoreWriter(database: database))
        self.pbx = pbx
        try await pbx.start()
        await events.setSnapshotProvider { _ in await EngineSnapshot.make(pbx: pbx) }

        try await transport.start { inbound in
            pbx.receive(IncomingSIP(message: inbound.message, source: SIPTransportAdapter.peer(of: inbound)))
        }
        let router = ControlRouter(logger: logger)
        let boundPort = transport.localPort ?? config.sipPort
        ControlHandlers(
            pbx: pbx, extensions: extensions, cdrs: cdrs, events: events, realm: config.realm, engineVersion: Engine.version,
            startedAt: Date(), sipListen: ["udp:\(config.sipHost):\(boundPort)", "tcp:\(config.sipHost):\(boundPort)"]
        ).register(on: router)
        let control = ControlServer(
            configuration: .init(socketPath: config.resolvedSocketPath), router: router, events: events,
            roles: RoleResolver(groupRoles: config.roles), group: group, logger: logger)
        try await control.start()
        self.control = control
        logger.notice("vpbx-engine ready", metadata: [
            "sip": "\(config.sipHost):\(boundPort)", "rtp": "\(config.rtpPorts.lowerBound)-\(config.rtpPorts.upperBound)",
            "socket": "\(config.resolvedSocketPath)", "data": "\(config.dataDirectory)",
        ])
    }

    /// Ends calls with BYE, flushes every CDR, then closes sockets and the store.
    public func stop() async {
        logger.notice("vpbx-engine stopping")
        await control?.stop()
        await pbx?.shutdown()
        // Let the final BYEs leave before the sockets close.
        try? await Task.sleep(for: .milliseconds(200))
        await transport?.stop()
        await eventBridge?.finish()
        try? database?.close()
        try? await group?.shutdownGracefully()
        logger.notice("vpbx-engine stopped")
    }
}
