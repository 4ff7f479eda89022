import Foundation
import Logging
import NIOCore
import NIOPosix
import VPBXControl
import VPBXMediaIO
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
    private var applications: ApplicationUserAgent?
    private var webhooks: WebhookForwarder?
    private var recordings: EngineRecordings?
    private var retentionSweeps: Task<Void, Never>?

    public init(configuration: EngineConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// RTP port pairs (two sockets each) that fit under the descriptor limit with a quarter of
    /// it, at most 1,024, left for SIP over TCP, the control socket, the database, prompts and
    /// recordings. Running out is not only a refused call: libdispatch traps when its pool
    /// monitor cannot open a file.
    static func portPairs(allowedBy descriptors: UInt64) -> Int {
        let limit = Int(clamping: descriptors)
        return max(16, (limit - min(1024, limit / 4)) / 2)
    }

    /// How many ended calls' RTP socket sets (two port pairs, four sockets) may stay bound for
    /// the next calls: every session the range and the descriptor limit allow.
    ///
    /// Parked sets hold ports and descriptors that active calls could hold anyway, so parking
    /// them all costs nothing the range does not allow. Fewer would cap the rate of short
    /// calls: a call reuses only a set parked for a quarter second (so the old call's late
    /// packets cannot latch it), so `n` parked sets serve `4 n` calls a second. The cap was
    /// 1,024 until stop 29, 4,096 calls/s: above that every call bound four new sockets and
    /// every ended one closed four (docs/performance.md, stop 29).
    static func parkedSocketSets(rtpPorts: Int, allowedBy descriptors: UInt64) -> Int {
        min(rtpPorts / 2, portPairs(allowedBy: descriptors)) / 2
    }

    /// SwiftNIO event loops (threads) for SIP and media features on a machine with `cores`:
    /// one core fewer than it has, so the PBX core's thread (about half of the engine's work
    /// under call load, all of it serial) does not compete with a loop for its core. On two
    /// cores one loop reads SIP in bigger batches and hands them to the core with fewer
    /// wake-ups (a third of the `epoll_wait` time): 4.5 % less CPU per call than two loops
    /// with two engines sharing the machine, within the noise to 4 % less alone
    /// (docs/performance.md, "Stop 25"). Plain bridged media is forwarded on the relay's
    /// poller threads, not on these loops.
    static func eventLoopCount(cores: Int) -> Int {
        max(1, cores - 1)
    }

    public func start() async throws {
        let config = configuration
        // Before anything starts: a key that was asked for and cannot be read must stop the
        // engine, not let it record in the clear.
        let recordingKeys = try config.recordingKeyring()
        let descriptors = FileDescriptorLimit.raiseToMaximum()
        if descriptors < 4096 {
            logger.warning(
                "file descriptor limit is \(descriptors): about \(descriptors / 4) simultaneous calls (raise 'ulimit -n')"
            )
        }
        try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
        let database = try VPBXDatabase.open(dataDirectory: config.dataDirectory) { [logger] pending in
            logger.notice(
                "upgrading the database schema (\(pending.joined(separator: ", "))); on a long call history this can take minutes, once"
            )
        }
        self.database = database
        let extensions = GRDBExtensionRepository(database: database)
        let registrations = GRDBRegistrationRepository(database: database)
        let cdrs = GRDBCDRRepository(database: database)

        let group = MultiThreadedEventLoopGroup(numberOfThreads: Engine.eventLoopCount(cores: System.coreCount))
        self.group = group
        // Closed calls' sockets are reused after a quarter second instead of binding four new
        // sockets per call; those no call takes within a minute are closed (after a burst).
        let relay = try RTPRelay(
            group: group,
            configuration: RTPRelay.Configuration(
                portRange: config.rtpPorts, inactivityTimeout: .seconds(Int64(config.rtpTimeoutSeconds)),
                idleSessionLimit: Engine.parkedSocketSets(rtpPorts: config.rtpPorts.count, allowedBy: descriptors),
                idleReuseDelay: .milliseconds(250), idleSessionLifetime: .seconds(60),
                maxPortPairs: Engine.portPairs(allowedBy: descriptors),
                // The event loops, one fewer than the cores, carry SIP and the calls with features.
                pollerThreads: config.resolvedRelayThreads(cores: System.coreCount)),
            logger: logger)
        if relay.pool.limit < relay.pool.capacity {
            logger.warning(
                "the RTP port range holds \(relay.pool.capacity) port pairs, the file descriptor limit \(descriptors) allows \(relay.pool.limit) (raise 'ulimit -n')"
            )
        }
        let transport = SIPTransport(
            group: group,
            configuration: SIPTransportConfiguration(
                host: config.sipHost, port: config.sipPort, tcpIdleTimeout: .seconds(Int64(config.tcpIdleTimeoutSeconds)),
                maximumTCPConnections: config.maximumTCPConnections,
                tls: try config.sipTLS().map {
                    SIPTLSConfiguration(port: $0.port, certificateFile: $0.certificate, privateKeyFile: $0.key)
                },
                tlsTrustRoots: config.tlsCAFile, logger: logger))
        self.transport = transport

        let events = EventHub(logger: logger)
        let bridge = EventBridge(hub: events)
        self.eventBridge = bridge
        var pbxConfiguration = PBXConfiguration(
            realm: config.realm, advertisedHost: config.advertisedHost, advertisedPort: config.sipPort,
            mediaAddress: config.mediaAddress, trustedNetworks: try config.trustedNetworks(),
            userAgent: "vpbx/\(Engine.version)", maximumCalls: config.maximumCalls,
            overloadQueueDelay: config.overloadQueueDelay, authFailureLimit: config.authFailureLimit,
            authBanDuration: .seconds(config.authBanSeconds), authBanExempt: try config.banExemptNetworks(),
            maximumContactsPerExtension: config.maximumContacts, sourceRateLimit: config.sourceRateLimit)
        pbxConfiguration.maximumPendingWrites = config.maximumPendingWrites > 0 ? config.maximumPendingWrites : nil
        pbxConfiguration.advertisedTLSPort = try config.sipTLS()?.port
        pbxConfiguration.parkingSlots = config.parkSlots
        pbxConfiguration.parkingTimeoutSeconds = config.parkTimeoutSeconds
        let rtpBindHost = config.sipHost == "::" ? "0.0.0.0" : config.sipHost
        let mailbox = ApplicationMailbox()
        let music = HoldMusicLibrary(dataDirectory: config.dataDirectory, logger: logger)
        let queueLink = QueueCenterLink()
        let prompts = PromptLibrary(
            dataDirectory: config.dataDirectory, defaultsDirectory: config.promptsDirectory, logger: logger)
        let pbx = PBXCore(
            configuration: pbxConfiguration, outbound: SIPTransportAdapter(transport: transport, applications: mailbox),
            media: RelayMediaFactory(relay: relay, bindHost: rtpBindHost, music: music, prompts: prompts),
            extensions: extensions, registrations: registrations, cdrs: cdrs, logger: logger,
            events: {
                bridge.forward($0)
                queueLink.observe($0)
            }, wantsEvents: { bridge.isWanted || queueLink.isWanted }, writer: GRDBStoreWriter(database: database),
            hosts: HostResolver(logger: logger, dnsServer: config.dnsServer.map { ($0.address, $0.port) }))
        self.pbx = pbx
        try await pbx.start()
        // Voicemail recovery finishes before SIP listens, so no call reaches a box mid-recovery.
        let voicemail = await Engine.makeVoicemail(
            database: database, dataDirectory: config.dataDirectory, events: events, pbx: pbx, logger: logger,
            mail: (config.mailCommand, config.mailFrom ?? VoicemailMailer.defaultFrom, extensions))
        let recordings = await Engine.makeRecordings(
            database: database, dataDirectory: config.dataDirectory, retentionDays: config.recordingRetentionDays,
            keys: recordingKeys, events: events, logger: logger)
        self.recordings = recordings
        if let recordings {
            await pbx.setRecordingService(recordings)
            retentionSweeps = Engine.startRetentionSweeps(recordings, logger: logger)
        }
        let queueCenter = Engine.makeQueueCenter(pbx: pbx, database: database, events: events, logger: logger)
        queueLink.set(queueCenter)
        let conferences = ConferenceRooms()
        conferences.setRecorder(recordings.map { RoomRecorder(service: $0, logger: logger) })
        let applications = Engine.makeApplications(
            pbx: pbx, relay: relay, bindHost: rtpBindHost, prompts: prompts, voicemail: voicemail, queues: queueCenter,
            agents: GRDBAgentRepository(database: database), music: music, conferences: conferences,
            extensions: extensions, events: events, logger: logger)
        mailbox.set(applications)
        self.applications = applications
        await events.setSnapshotProvider { _ in await EngineSnapshot.make(pbx: pbx) }

        try await transport.start(
            onMessage: { inbound in
                pbx.receive(IncomingSIP(message: inbound.message, source: SIPTransportAdapter.peer(of: inbound)))
            },
            onUndeliverable: { _, bytes in SIPTransportAdapter.reportUndeliverable(bytes, to: pbx) },
            onConnectionFailed: { endpoint in pbx.connectionFailed(to: SIPTransportAdapter.peer(of: endpoint)) })
        if !config.webhooks.isEmpty {
            webhooks = WebhookForwarder(
                targets: config.webhooks, hub: events, group: group, userAgent: "vpbx/\(Engine.version)", logger: logger)
            logger.notice(
                "webhooks: events are POSTed", metadata: ["urls": "\(config.webhooks.map { WebhookForwarder.redacted($0.url) })"])
        }
        let router = ControlRouter(logger: logger)
        let boundPort = transport.localPort ?? config.sipPort
        let handlers = ControlHandlers(
            pbx: pbx, relay: relay, sipTransport: transport, extensions: extensions, cdrs: cdrs, schedules: GRDBScheduleRepository(database: database),
            calendar: GRDBCalendarRepository(database: database), dialPlan: GRDBDialPlanRepository(database: database),
            menus: GRDBMenuRepository(database: database),
            featureCodes: GRDBFeatureCodeRepository(database: database), queues: GRDBQueueRepository(database: database),
            agents: GRDBAgentRepository(database: database), queueCalls: GRDBQueueCallLogRepository(database: database),
            prompts: prompts, music: music, voicemail: voicemail, queueCenter: queueCenter, webhooks: webhooks, conferences: conferences,
            recordings: recordings, events: events, realm: config.realm,
            engineVersion: Engine.version,
            startedAt: Date(),
            sipListen: ["udp:\(config.sipHost):\(boundPort)", "tcp:\(config.sipHost):\(boundPort)"]
                + (transport.localTLSPort.map { ["tls:\(config.sipHost):\($0)"] } ?? []),
            logger: logger, database: database, dataDirectory: config.dataDirectory)
        handlers.register(on: router)
        try await handlers.reloadDialPlan()
        try await handlers.reloadQueues()
        await handlers.restoreAgentSessions(GRDBAgentSessionRepository(database: database))
        let control = ControlServer(
            // Room for `prompt.set` uploads (base64 WAV, up to about two minutes at 48 kHz stereo).
            configuration: .init(socketPath: config.resolvedSocketPath, maximumLineLength: 48 << 20), router: router,
            events: events,
            roles: RoleResolver(groupRoles: config.roles), group: group, logger: logger)
        try await control.start()
        self.control = control
        if let prompts = config.promptsDirectory {
            if !FileManager.default.fileExists(atPath: prompts) {
                logger.warning(
                    "default prompts directory \(prompts) does not exist; run 'bash scripts/make-prompts.sh \(prompts)'"
                )
            }
        } else {
            logger.notice("no default prompts configured (--prompts-dir); only prompts set with 'vpbx prompt set' play")
        }
        logger.notice(
            "vpbx-engine ready",
            metadata: [
                "sip": "\(config.sipHost):\(boundPort)",
                "rtp": "\(config.rtpPorts.lowerBound)-\(config.rtpPorts.upperBound)",
                "relay_threads": "\(relay.forwardingThreadCount)",
                "socket": "\(config.resolvedSocketPath)", "data": "\(config.dataDirectory)",
            ])
    }

    /// SIGHUP: the TLS certificate and key files are read again (a renewed certificate), for
    /// the connections made from now on; without a restart, so no call ends. Logs the
    /// outcome; a file that cannot be used leaves the certificate in use as it was.
    public func reloadTLSCertificate() {
        guard let transport, configuration.tlsCertificateFile != nil else {
            logger.notice("SIGHUP: nothing to reload (SIP over TLS is not configured)")
            return
        }
        do {
            try transport.reloadTLSCertificate()
        } catch {
            logger.error("SIGHUP: the TLS certificate was not reloaded, the one in use stays: \(error)")
        }
    }

    /// Returns once a drain (`engine.drain`, `vpbx stop --when-idle`) found no call left;
    /// the process's main then stops the engine as for SIGTERM, with nothing to cut.
    public func drained() async {
        await pbx?.drained()
    }

    /// Ends calls with BYE, flushes every CDR, then closes sockets and the store.
    public func stop() async {
        logger.notice("vpbx-engine stopping")
        await control?.stop()
        await pbx?.shutdown()
        await applications?.stop()
        retentionSweeps?.cancel()
        // The calls' recordings finish their files and rows before the store closes.
        await recordings?.drain(timeout: .seconds(5))
        // Let the final BYEs leave before the sockets close.
        try? await Task.sleep(for: .milliseconds(200))
        await transport?.stop()
        await eventBridge?.finish()
        await webhooks?.stop()
        try? database?.close()
        try? await group?.shutdownGracefully()
        logger.notice("vpbx-engine stopped")
    }
}
