import Foundation

/// The in-memory twin of ``VPBXDatabase``: one actor owning every table, shared by the
/// `InMemory*Repository` types so that cross-table rules (a binding needs its extension,
/// deleting an extension deletes its bindings) hold exactly as they do in SQLite.
///
/// Each operation runs as one synchronous ``transaction(_:)`` on a copy of the tables,
/// committed only if it does not throw, so a failed operation leaves nothing half-done,
/// like a database transaction. Nothing is persisted.
public actor InMemoryStore {
    struct Tables: Sendable {
        var extensions: [String: ExtensionRecord] = [:]
        var registrations: [Int64: RegistrationRecord] = [:]
        var nextRegistrationID: Int64 = 1
        var cdr: [String: CDRRecord] = [:]
        var schedules: [String: ScheduleRecord] = [:]
        var holidays: [String: HolidayRecord] = [:]
        var swaps: [String: WorkdaySwapRecord] = [:]
        var routes: [String: RouteRecord] = [:]
        var trunks: [String: TrunkRecord] = [:]
        var outboundRoutes: [String: OutboundRouteRecord] = [:]
        var conferenceRooms: [String: ConferenceRoomRecord] = [:]
        var numbering = NumberingRecord()
        var timeConditions: [String: TimeConditionRecord] = [:]
        var menus: [String: MenuRecord] = [:]
        var mailboxes: [String: MailboxRecord] = [:]
        var voicemailMessages: [UUID: VoicemailMessageRecord] = [:]
        var featureCodes: [String: FeatureCodeRecord] = [:]
        var queues: [String: QueueRecord] = [:]
        /// Members of each queue, in order, with dense positions.
        var queueMembers: [String: [QueueMemberRecord]] = [:]
        var agents: [String: AgentRecord] = [:]
        var agentSessions: [String: AgentSessionRecord] = [:]
        var queueCalls: [QueueCallLogRecord] = []
        var nextQueueCallID: Int64 = 1
    }

    private var tables = Tables()

    /// Creates an empty store.
    public init() {}

    /// Runs `body` on the tables atomically; changes are kept only if it returns.
    func transaction<T: Sendable>(_ body: @Sendable (inout Tables) throws -> T) throws -> T {
        var working = tables
        let result = try body(&working)
        tables = working
        return result
    }
}

extension String {
    /// Byte-wise order, as SQLite's default BINARY collation sorts text.
    func precedesInBinaryCollation(_ other: String) -> Bool {
        utf8.lexicographicallyPrecedes(other.utf8)
    }
}
