import Foundation
import Synchronization
import Testing
import VPBXStore

/// The implementations the contract suites run against: the same expectations must hold
/// for SQLite (in memory and on disk, in WAL mode) and for the in-memory twin.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqliteMemory
    case sqliteFile
    case inMemory

    var testDescription: String { rawValue }

    /// Runs `body` with fresh, empty repositories, removing any files afterwards.
    func withRepositories(
        _ body: (Repositories) async throws -> Void
    ) async throws {
        let clock = TestClock()
        switch self {
        case .sqliteMemory:
            let database = try VPBXDatabase.inMemory()
            try await body(Repositories(database: database, clock: clock))
        case .sqliteFile:
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let database = try VPBXDatabase.open(dataDirectory: directory.path)
            defer { try? database.close() }
            try await body(Repositories(database: database, clock: clock))
        case .inMemory:
            let store = InMemoryStore()
            try await body(
                Repositories(
                    extensions: InMemoryExtensionRepository(store: store, now: clock.now),
                    registrations: InMemoryRegistrationRepository(store: store),
                    cdr: InMemoryCDRRepository(store: store),
                    schedules: InMemoryScheduleRepository(store: store, now: clock.now),
                    calendar: InMemoryCalendarRepository(store: store),
                    dialPlan: InMemoryDialPlanRepository(store: store),
                    menus: InMemoryMenuRepository(store: store),
                    voicemail: InMemoryVoicemailRepository(store: store, now: clock.now),
                    featureCodes: InMemoryFeatureCodeRepository(store: store),
                    queues: InMemoryQueueRepository(store: store),
                    agents: InMemoryAgentRepository(store: store),
                    queueCalls: InMemoryQueueCallLogRepository(store: store),
                    agentSessions: InMemoryAgentSessionRepository(store: store),
                    writer: InMemoryStoreWriter(store: store),
                    clock: clock))
        }
    }
}

/// One backend's repositories, sharing one database so cross-table rules apply.
struct Repositories: Sendable {
    let extensions: any ExtensionRepository
    let registrations: any RegistrationRepository
    let cdr: any CDRRepository
    let schedules: any ScheduleRepository
    let calendar: any CalendarRepository
    let dialPlan: any DialPlanRepository
    let menus: any MenuRepository
    let voicemail: any VoicemailRepository
    let featureCodes: any FeatureCodeRepository
    let queues: any QueueRepository
    let agents: any AgentRepository
    let queueCalls: any QueueCallLogRepository
    let agentSessions: any AgentSessionRepository
    /// Batches of writes, one transaction each.
    let writer: any StoreWriter
    let clock: TestClock

    init(
        extensions: any ExtensionRepository, registrations: any RegistrationRepository,
        cdr: any CDRRepository, schedules: any ScheduleRepository, calendar: any CalendarRepository,
        dialPlan: any DialPlanRepository, menus: any MenuRepository, voicemail: any VoicemailRepository,
        featureCodes: any FeatureCodeRepository,
        queues: any QueueRepository, agents: any AgentRepository, queueCalls: any QueueCallLogRepository,
        agentSessions: any AgentSessionRepository,
        writer: any StoreWriter, clock: TestClock
    ) {
        self.extensions = extensions
        self.registrations = registrations
        self.cdr = cdr
        self.schedules = schedules
        self.calendar = calendar
        self.dialPlan = dialPlan
        self.menus = menus
        self.voicemail = voicemail
        self.featureCodes = featureCodes
        self.queues = queues
        self.agents = agents
        self.queueCalls = queueCalls
        self.agentSessions = agentSessions
        self.writer = writer
        self.clock = clock
    }

    init(database: VPBXDatabase, clock: TestClock) {
        self.init(
            extensions: GRDBExtensionRepository(database: database, now: clock.now),
            registrations: GRDBRegistrationRepository(database: database),
            cdr: GRDBCDRRepository(database: database),
            schedules: GRDBScheduleRepository(database: database, now: clock.now),
            calendar: GRDBCalendarRepository(database: database),
            dialPlan: GRDBDialPlanRepository(database: database),
            menus: GRDBMenuRepository(database: database),
            voicemail: GRDBVoicemailRepository(database: database, now: clock.now),
            featureCodes: GRDBFeatureCodeRepository(database: database),
            queues: GRDBQueueRepository(database: database),
            agents: GRDBAgentRepository(database: database),
            queueCalls: GRDBQueueCallLogRepository(database: database),
            agentSessions: GRDBAgentSessionRepository(database: database),
            writer: GRDBStoreWriter(database: database),
            clock: clock)
    }
}

/// A settable clock, starting at a whole second (the store keeps milliseconds).
final class TestClock: Sendable {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)
    private let current = Mutex(TestClock.start)

    var now: @Sendable () -> Date { { self.current.withLock { $0 } } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 += seconds }
    }
}

/// A unique directory under the system temporary directory.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("vpbx-store-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
