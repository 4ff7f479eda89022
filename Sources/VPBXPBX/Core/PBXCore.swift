import Foundation
import Logging
import VPBXSIP
import VPBXSignaling
import VPBXStore

/// The exchange's brain: registrar, B2BUA calls and CDRs, owned by one actor.
///
/// Every input (SIP messages, timer ticks, media sessions becoming ready) arrives through one
/// stream and is handled synchronously, so no SIP handling ever interleaves with another across
/// an `await`. Slow work (database writes, socket setup) happens elsewhere and reports back
/// through the same stream.
public actor PBXCore {
    enum Input: Sendable {
        case sip(IncomingSIP)
        case tick
        case mediaReady(UUID, Result<any MediaSession, any Error>)
        case mediaTimeout(UUID)
        case monitorReady(UUID, Result<any MonitorMedia, any Error>)
        case monitorKey(UUID, Character)
        /// A key from a mobile asked to confirm its call (the call's id, its leg).
        case confirmationKey(UUID, Int, Character)
        /// The media session of a click-to-call is ready: the caller's phone may be rung.
        case originationMediaReady(UUID, Result<any MediaSession, any Error>)
        /// Calls changed while phones watch extensions' calls (busy lamps): tell them, once
        /// for all the changes queued before.
        case publishDialogStates
        /// A call was parked or left its slot (``ParkingLot``).
        case parkingChanged(ParkingLot.Change)
        /// The relay taps a recorded call: the recording's control.
        case recordingReady(UUID, any MediaRecording)
        /// The transport could not send a request of this client transaction.
        case undeliverable(TransactionKey)
        /// A connection to this peer failed: what was sent on it will not be answered.
        case connectionFailed(SIPPeerAddress)
    }

    let configuration: PBXConfiguration
    let outbound: any SIPOutbound
    let mediaFactory: any MediaSessionFactory
    /// Addresses of the host names in static contacts (DNS, off this thread).
    let hosts: any HostResolving
    /// The parking lot: the park application parks calls on it, and a phone dialling a slot
    /// takes them off (PBXCore+ParkedPickup).
    public nonisolated let parking: ParkingLot
    let extensionStore: any ExtensionRepository
    let registrationStore: any RegistrationRepository
    let cdrStore: any CDRRepository
    private let eventSink: @Sendable (PBXEvent) -> Void
    /// Whether anyone listens to events right now: when nobody does, an event (and the call
    /// snapshot in it) is not even built.
    private let wantsEvents: @Sendable () -> Bool
    let logger: Logger
    let writes: WriteBehindQueue

    var directory = ExtensionDirectory()
    var dialPlan = DialPlan()
    /// `message-summary` and `dialog` subscriptions by their dialog, and the counts the
    /// former report.
    var subscriptions: [DialogID: EventSubscription] = [:]
    /// The ``subscriptions`` that watch each extension's calls (`dialog`): while there are
    /// none, calls cost nothing here.
    var dialogWatchers: [String: Set<DialogID>] = [:]
    /// What each watched extension's phones were last told of its calls (``DialogInfo``'s
    /// signature), and whether a new look is already queued.
    var publishedDialogStates: [String: String] = [:]
    var dialogStatesQueued = false
    var messageSummaries: [String: MessageSummary] = [:]
    var bindings = BindingTable()
    /// What the contact checks know (PBXCore+Qualify), and each extension's current check
    /// schedule (a timer of an older schedule finds another generation).
    var reachability = ContactReachability()
    var qualifyGenerations: [String: Int] = [:]
    /// Each checked trunk's state as last reported (reachable or not), by name: a trunk with
    /// several servers changes state only when the first of them answers again or the last
    /// stops answering.
    var trunkReachabilityReported: [String: Bool] = [:]
    var transactions = TransactionTable()
    var timers = TimerQueue<CoreTimer>()
    var authenticator: RequestAuthenticator
    var authGuard: AuthFailureGuard
    var rateLimiter: SourceRateLimiter
    /// When a flood was last logged: at most one such line every 10 s.
    var lastFloodLog: ContinuousClock.Instant?
    var calls: [UUID: Call] = [:]
    var callByInvite: [TransactionKey: UUID] = [:]
    var callByDialog: [DialogID: UUID] = [:]
    /// Contacts to ring once a call's media session is ready.
    var pendingDestinations: [UUID: [RingTarget]] = [:]
    /// Callee legs of ended calls, kept for one transaction timeout so a late 1xx still gets
    /// its CANCEL and a late 2xx its ACK and BYE.
    var endedCalls = EndedCalls()
    /// BYEs for callers whose call ended before they ACKed its 2xx, by the caller's dialog:
    /// sent when that ACK comes or the 2xx gives up (``PBXCore/byeWhenAcknowledged(_:dialog:)``).
    var byesAwaitingAck: [DialogID: ByeAwaitingAck] = [:]
    var lastExpiryCheck = ContinuousClock.now
    var statistics = PBXStatistics()
    var admission: CallAdmission
    /// The overload in progress, from its first overloaded batch until a second passed
    /// without one (batches flip in and out of overload while it lasts).
    var overloadEpisode: OverloadEpisode?
    /// When the last call refused by the admission check was logged (they are logged at most
    /// every ten seconds: under overload a line per refusal would be load of its own).
    var lastRefusalLog: ContinuousClock.Instant?
    /// A drain under way (PBXCore+Drain), and who waits for it to find no call left.
    var drain: DrainState?
    /// Queues whose answered calls are recorded (PBXCore+Recording).
    var recordedQueues: Set<String> = []
    var drainWaiters: [CheckedContinuation<Void, Never>] = []
    /// Applications waiting for their hand-on to settle, and results nobody waited for yet,
    /// by the application leg's Call-ID.
    var handOnWaiters: [String: CheckedContinuation<HandOnResult, Never>] = [:]
    var handOnResults: [String: HandOnResult] = [:]
    /// Supervisors on calls (listen, whisper, barge), by their own id, dialog and INVITE.
    var monitors: [UUID: MonitorLeg] = [:]
    var monitorByDialog: [DialogID: UUID] = [:]
    var monitorByInvite: [TransactionKey: UUID] = [:]
    /// Rung monitoring legs that ended before their INVITE got a final response.
    var endedMonitorRings: [UUID: MonitorLeg] = [:]
    /// Click-to-calls whose caller's phone rings (PBXCore+Originate), and those given up
    /// before their INVITE got a final response.
    var originations: [UUID: Origination] = [:]
    /// Keeps call recordings; nil: nothing is recorded.
    var recordingService: (any CallRecordingService)?
    var endedOriginations: [UUID: Origination] = [:]
    /// The exchange's registrations at trunks' providers, by trunk name.
    var trunkRegistrations: [String: TrunkRegistration] = [:]
    /// Registrations being removed (a trunk deleted or no longer registering), until the
    /// provider answered their Expires: 0.
    var leavingTrunkRegistrations: [String: TrunkRegistration] = [:]

    private let inbox = BatchInbox<Input>()
    /// When the next tick comes: every `tickInterval` while timers are due, seldom when idle.
    let ticker: CoreTicker
    private var loopTask: Task<Void, Never>?
    private var tickTask: Task<Void, Never>?

    public init(
        configuration: PBXConfiguration, outbound: any SIPOutbound, media: any MediaSessionFactory,
        extensions: any ExtensionRepository, registrations: any RegistrationRepository, cdrs: any CDRRepository,
        logger: Logger, events: @escaping @Sendable (PBXEvent) -> Void = { _ in },
        wantsEvents: @escaping @Sendable () -> Bool = { true }, writer: (any StoreWriter)? = nil,
        hosts: any HostResolving = NoHostResolution()
    ) {
        self.configuration = configuration
        self.ticker = CoreTicker(interval: configuration.tickInterval, idleLimit: configuration.idleTickLimit)
        self.hosts = hosts
        self.parking = ParkingLot(
            slotCount: configuration.parkingSlots, timeoutSeconds: configuration.parkingTimeoutSeconds)
        self.outbound = outbound
        self.mediaFactory = media
        self.extensionStore = extensions
        self.registrationStore = registrations
        self.cdrStore = cdrs
        self.eventSink = events
        self.wantsEvents = wantsEvents
        self.logger = logger
        // Without a batch writer the queue still works, one repository call per write.
        self.writes = WriteBehindQueue(
            writer: writer ?? RepositoryStoreWriter(cdrs: cdrs, registrations: registrations), logger: logger)
        self.authenticator = RequestAuthenticator(realm: configuration.realm, trusted: configuration.trustedNetworks)
        self.authGuard = AuthFailureGuard(policy: configuration.authFailurePolicy)
        self.rateLimiter = SourceRateLimiter(limit: configuration.sourceRateLimit)
        self.admission = CallAdmission(
            maximumCalls: configuration.maximumCalls, overloadDelay: configuration.overloadQueueDelay,
            maximumPendingWrites: configuration.maximumPendingWrites)
    }

    /// Loads extensions and surviving registrations, closes CDRs a crash left open, and starts
    /// processing input.
    public func start() async throws {
        let records = try await extensionStore.list()
        directory = ExtensionDirectory(records)
        for record in records {
            resolveStaticContactHost(of: record)
            // The first checks are spread over up to 10 s, so a restart does not send them all at once.
            if isChecked(record) {
                scheduleQualify(record, firstAfter: .milliseconds(Int.random(in: 0..<(min(record.qualifySeconds, 10) * 1000))))
            }
        }
        let now = Date()
        _ = try await registrationStore.purgeExpired(now: now)
        for record in try await registrationStore.list() {
            for stale in bindings.restore(record) {
                writes.enqueue(.registrationRemove(extensionNumber: stale.extensionNumber, contactURI: stale.contactText))
            }
        }
        let recovered = try await cdrStore.recoverUnfinished(now: now)
        if recovered > 0 { logger.notice("closed CDRs left open by an earlier run", metadata: ["count": "\(recovered)"]) }
        let inbox = self.inbox
        // A call parked or taken off a slot: its event, and what the slots' busy lamps show.
        parking.setObserver { inbox.push(.parkingChanged($0)) }
        loopTask = Task { await self.run(inbox) }
        let ticker = self.ticker
        tickTask = Task { await ticker.run { inbox.push(.tick) } }
    }

    func emit(_ event: @autoclosure () -> PBXEvent) {
        noteDialogChange()
        guard wantsEvents() else { return }
        eventSink(event())
    }

    /// Called by the transport on its own threads: cheap and non-blocking.
    /// Consuming: the message moves into the queue (see ``BatchInbox/push(_:)``).
    public nonisolated func receive(_ incoming: consuming IncomingSIP) {
        inbox.push(.sip(incoming))
    }

    /// Called by the transport when it could not send `request` at all: no connection to its
    /// destination could be opened, a TLS server's certificate did not check out, the
    /// connection broke under it. Its client transaction fails at once (RFC 3261 §17.1.4,
    /// taken as a timeout) instead of waiting out timer B or F: a trunk's call goes to the
    /// next trunk now, not after 32 seconds.
    public nonisolated func undeliverable(_ request: SIPRequest) {
        guard let key = TransactionKey.client(for: request) else { return }
        inbox.push(.undeliverable(key))
    }

    /// Called by the transport when a connection to `peer` (a trunk's TLS connection) ended in
    /// an error after requests went out on it, as when a provider refuses the engine's
    /// certificate once the handshake looked done (TLS 1.3): every client transaction to
    /// `peer` still waiting fails at once, as ``undeliverable(_:)`` fails one.
    public nonisolated func connectionFailed(to peer: SIPPeerAddress) {
        inbox.push(.connectionFailed(peer))
    }

    nonisolated var inputSink: @Sendable (Input) -> Void {
        let inbox = self.inbox
        return { inbox.push($0) }
    }

    /// Ends every call with BYE/CANCEL, then waits until every CDR is written.
    public func shutdown() async {
        for id in Array(calls.keys) { endCall(id, cause: "engine_shutdown", side: .system, disposition: nil) }
        for id in Array(originations.keys) { endOrigination(id, cause: "engine_shutdown", disposition: .cancelled) }
        sendByesAwaitingAck()  // no ACK will be waited for now
        tickTask?.cancel()
        inbox.finish()
        await loopTask?.value
        await writes.drain(givingUpAfter: WriteBehindQueue.defaultShutdownGrace)
    }

    private func run(_ inbox: BatchInbox<Input>) async {
        var busy = false
        while let (batch, waited) = await inbox.nextTimed() {
            // Inputs pile up only when the core falls behind: then its own thread is what
            // limits the call rate, and the transport sends from its event loops instead.
            if (batch.count >= Self.backlogBatchSize) != busy {
                busy.toggle()
                outbound.coreLoadChanged(busy: busy)
            }
            if admission.observe(queueDelay: waited) { overloaded(waited: waited) }
            // What the batch sends and asks of the relay leaves together at its end: one
            // system call per socket, one wake-up per event loop.
            mediaFactory.gatheringWork {
                outbound.gatheringSends {
                    for input in batch { handle(input) }
                }
            }
            inbox.recycle(batch)
        }
    }

    /// A batch this large means the core is behind (about two calls' messages: at 1,000 calls/s
    /// batches hold 5-7 inputs).
    static let backlogBatchSize = 16

    private func handle(_ input: Input) {
        switch input {
        case .sip(let incoming): handle(incoming)
        case .undeliverable(let key): runClient(key) { $0.transportFailed() }
        case .connectionFailed(let peer): failClientTransactions(to: peer)
        case .tick: tick()
        case .mediaReady(let id, let result): mediaReady(call: id, result)
        case .mediaTimeout(let id): endCall(id, cause: "rtp_timeout", side: .system, disposition: nil)
        case .monitorReady(let id, let result): monitorReady(id, result)
        case .monitorKey(let id, let digit): monitorKey(id, digit)
        case .confirmationKey(let id, let leg, let digit): confirmationKey(call: id, leg: leg, digit)
        case .originationMediaReady(let id, let result): originationMediaReady(id, result)
        case .publishDialogStates: publishDialogStates()
        case .parkingChanged(let change): parkingChanged(change)
        case .recordingReady(let id, let recording): recordingReady(id, recording)
        }
    }

    private func handle(_ incoming: IncomingSIP) {
        switch incoming.message {
        case .request(let request): handleRequest(request, from: incoming.source)
        case .response(let response): handleResponse(response)
        }
    }

    private func tick() {
        let now = ContinuousClock.now
        timers.takeDue(now: now).forEach { fire($0) }
        endedCalls.forget(endedBefore: now - configuration.timings.timeout)
        if let episode = overloadEpisode, !admission.isOverloaded, now - episode.lastOverloaded >= .seconds(1) {
            overloadEnded(episode, now: now)
        }
        if now - lastExpiryCheck >= .seconds(5) {
            lastExpiryCheck = now
            expireBindings(now: Date())
            expireSubscriptions(now: Date())
            expireBans(now: now)
        }
        // Looking for the earliest deadline walks the timer wheel: only when few timers wait
        // (an idle or quiet exchange). With many, one is nearly always due within a tick.
        ticker.plan(next: timers.count > Self.idleTimerCount ? now : timers.nextDeadline, now: now)
    }

    /// Up to this many waiting timers the ticker sleeps until the earliest; above, it ticks
    /// every interval.
    static let idleTimerCount = 64

    /// Schedules `timer` and returns its deadline, which taking it out of the wheel again
    /// needs (`TimerQueue.cancel(at:where:)`, PBXCore+StaleTimers).
    @discardableResult
    func schedule(_ timer: CoreTimer, after delay: Duration) -> ContinuousClock.Instant {
        let deadline = ContinuousClock.now + delay
        if let lane = waitLane(of: timer, delay: delay) {
            timers.schedule(timer, at: deadline, lane: lane)
        } else {
            timers.schedule(timer, at: deadline)
        }
        ticker.noteDeadline(deadline)
        return deadline
    }

    /// The timer queue's lane for a transaction's wait timer: these are most of what a short
    /// call leaves waiting for 32 s, and in a lane per delay they come due in the order they
    /// were scheduled (``TimerQueue/schedule(_:at:lane:)``). Timers the core may cancel (B, F)
    /// stay in the wheel.
    private func waitLane(of timer: CoreTimer, delay: Duration) -> Int? {
        switch timer {
        case .server(_, let name), .client(_, let name):
            guard name.endsTheTransaction else { return nil }
            if delay == configuration.timings.timeout { return 0 }
            if delay == configuration.timings.t4 { return 1 }
            return nil
        default:
            return nil
        }
    }

    private func fire(_ timer: CoreTimer) {
        switch timer {
        case .server(let key, let name): serverTimerFired(key, name)
        case .client(let key, let name): clientTimerFired(key, name)
        case .noAnswer(let id): noAnswerTimeout(call: id)
        case .monitorNoAnswer(let id): monitorNoAnswer(id)
        case .confirmationTimeout(let id): confirmationTimedOut(call: id)
        case .originationNoAnswer(let id): originationNoAnswer(id)
        case .qualify(let number, let generation): qualifyDue(number, generation: generation)
        case .qualifyTimeout(let key, let probe): qualifyTimedOut(key, probe: probe)
        case .trunkRegistration(let name, let generation): trunkRegistrationDue(name, generation: generation)
        }
    }
}

/// Counters for `engine.status` and the logs.
public struct PBXStatistics: Sendable, Equatable {
    public var requestsReceived = 0
    public var responsesReceived = 0
    public var strayResponses = 0
    public var callsStarted = 0
    public var authenticationFailures = 0
    /// Bans of sources for repeated authentication failures (``AuthFailureGuard``).
    public var sourcesBanned = 0
    /// New requests dropped unanswered because their source was banned.
    public var requestsFromBannedSources = 0
    /// New requests dropped because their source sent more than its limit in a second.
    public var requestsRateLimited = 0
    /// New calls refused with 503 because the call limit was reached.
    public var callsRefusedAtLimit = 0
    /// New calls refused with 503 because the relay had no port pairs left.
    public var callsRefusedNoMediaPorts = 0
    /// New calls refused with 503 while too many store writes waited (a full disk).
    public var callsRefusedStoreBacklog = 0
    /// New calls refused with 503 while the core was overloaded.
    public var callsRefusedOverloaded = 0
    /// New calls refused with 503 while draining (``DrainMode/refuseNewCalls``).
    public var callsRefusedDraining = 0
}
