import Foundation
import Logging
import VPBXControl
import VPBXMediaIO
import VPBXNetwork
import VPBXPBX
import VPBXStore

/// Implements the control catalog on top of the store and the PBX core. One place maps the
/// domain to the wire DTOs; the CLI and console only ever see the DTOs.
struct ControlHandlers: Sendable {
    let pbx: PBXCore
    /// For the media port figures of `engine.status`.
    let relay: RTPRelay
    /// For the SIP socket's drop count in `engine.status`.
    let sipTransport: SIPTransport
    let extensions: any ExtensionRepository
    let cdrs: any CDRRepository
    let schedules: any ScheduleRepository
    let calendar: any CalendarRepository
    let dialPlan: any DialPlanRepository
    let menus: any MenuRepository
    let featureCodes: any FeatureCodeRepository
    let queues: any QueueRepository
    let agents: any AgentRepository
    let queueCalls: any QueueCallLogRepository
    let prompts: PromptLibrary
    let music: HoldMusicLibrary
    let voicemail: EngineVoicemail
    let queueCenter: QueueCenter
    /// Nil without `--webhook`.
    let webhooks: WebhookForwarder?
    let conferences: ConferenceRooms
    /// Nil when recording could not start (the log says why).
    let recordings: EngineRecordings?
    let events: EventHub
    let realm: String
    let engineVersion: String
    let startedAt: Date
    let sipListen: [String]
    let logger: Logger
    /// For `engine.backup`; the repositories above are what everything else uses.
    let database: VPBXDatabase
    let dataDirectory: String

    func register(on router: ControlRouter) {
        registerEngineMethods(on: router)
        registerExtensionMethods(on: router)
        registerBanMethods(on: router)
        registerCallMethods(on: router)
        registerScheduleMethods(on: router)
        registerHolidayMethods(on: router)
        registerRouteMethods(on: router)
        registerTrunkMethods(on: router)
        registerOutboundRouteMethods(on: router)
        registerFeatureCodeMethods(on: router)
        registerNumberingMethods(on: router)
        registerMenuMethods(on: router)
        registerQueueMethods(on: router)
        registerAgentMethods(on: router)
        registerReportMethods(on: router)
        registerPromptMethods(on: router)
        registerMusicMethods(on: router)
        registerCallCenterMethods(on: router)
        registerVoicemailMethods(on: router)
        registerRecordingMethods(on: router)
        registerBackupMethods(on: router)
    }

    private func registerEngineMethods(on router: ControlRouter) {
        router.register(EngineHello.self) { _, context in
            EngineHello.Result(
                engineVersion: engineVersion,
                capabilities: [
                    "extensions", "registrations", "calls", "cdr", "events", "schedules", "prompts", "voicemail",
                    "music-on-hold", "queues", "feature-codes",
                ],
                role: context.role)
        }
        router.register(EngineStatus.self) { _, _ in
            await status()
        }
    }

    /// The engine's health, from the core, the relay, the transport and the event hub.
    private func status() async -> EngineStatus.Result {
        let counts = await pbx.counts()
        let statistics = await pbx.currentStatistics()
        let overloaded = await pbx.isOverloaded
        let store = pbx.storeWrites
        let trunks = (try? await dialPlan.trunks())?.count
        let registrations = await pbx.trunkRegistrationStates()
        let registered = registrations.values.filter { if case .registered = $0 { true } else { false } }.count
        let failing = registrations.compactMap { name, state in
            if case .failed = state { name } else { nil }
        }.sorted()
        var result = EngineStatus.Result(
            engineVersion: engineVersion, startedAt: startedAt,
            uptimeSeconds: Int(Date().timeIntervalSince(startedAt)),
            sipListen: sipListen, extensions: counts.extensions, registrations: counts.registrations,
            activeCalls: counts.calls, maximumCalls: pbx.maximumCalls,
            overloaded: overloaded, callsRefusedAtLimit: statistics.callsRefusedAtLimit,
            callsRefusedOverloaded: statistics.callsRefusedOverloaded,
            callsRefusedNoMediaPorts: statistics.callsRefusedNoMediaPorts,
            authenticationFailures: statistics.authenticationFailures,
            bannedSources: await pbx.authBans().count, storeWritesPending: store.pending,
            storeFailingSeconds: store.failingFor.map { Int($0.components.seconds) },
            requestsRateLimited: statistics.requestsRateLimited,
            callsRefusedStoreBacklog: statistics.callsRefusedStoreBacklog, rtpPortPairs: relay.pool.limit,
            rtpPortPairsInUse: relay.pool.inUseCount, rtpSocketSetsParked: relay.idleSessionCount,
            sipDatagramsDropped: sipTransport.udpDatagramsDropped(), eventSubscribers: await events.subscriberCount,
            eventSubscribersDropped: await events.subscribersDropped,
            webhooks: webhooks?.deliveries.map {
                WebhookStatus(
                    url: WebhookForwarder.redacted($0.key), delivered: $0.value.delivered, failed: $0.value.failed,
                    retried: $0.value.retried)
            }.sorted { $0.url < $1.url },
            trunks: trunks, trunksRegistered: registered, trunksFailing: failing,
            recordingKey: recordings?.keys?.current.fingerprintText,
            recordingsUnreadable: recordings.map(\.unreadableAtStart).flatMap { $0 > 0 ? $0 : nil },
            recordingOff: recordings == nil ? true : nil)
        let drain = await pbx.drainStatus
        result.draining = drain?.mode.rawValue
        result.drainingSince = drain?.since
        result.callsRefusedDraining = statistics.callsRefusedDraining
        return result
    }

    /// Runs a store operation, turning `StoreError` into the matching RPC error.
    func storeCall<T: Sendable>(_ operation: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as StoreError {
            switch error.kind {
            case .notFound: throw RPCError.notFound(error.message)
            case .conflict: throw RPCError.conflict(error.message)
            case .invalidArgument: throw RPCError.invalidArgument(error.message, field: nil)
            default: throw RPCError.internal("store: \(error.message)")
            }
        }
    }

    func publish(_ topic: String, _ type: String, _ data: [String: JSONValue]) async {
        _ = await events.publish(topic: topic, type: type, data: .object(data))
    }
}
