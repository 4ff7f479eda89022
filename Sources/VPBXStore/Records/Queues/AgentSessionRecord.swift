import Foundation
import GRDB

/// Where a logged-in agent sits and whether they are paused, kept so that an engine restart
/// (an upgrade, a crash) does not log a whole call center out. Written on every login,
/// logout and pause; read once at start.
public struct AgentSessionRecord: Codable, Sendable, Equatable, Identifiable {
    public var agent: String
    public var extensionNumber: String
    /// The queues chosen at login, comma-separated; nil: all the agent's queues.
    public var queues: String?
    /// The pause reason while paused.
    public var pausedReason: String?

    public var id: String { agent }

    public init(agent: String, extensionNumber: String, queues: [String]?, pausedReason: String?) {
        self.agent = agent
        self.extensionNumber = extensionNumber
        self.queues = queues.map { $0.sorted().joined(separator: ",") }
        self.pausedReason = pausedReason
    }

    /// The queues chosen at login; nil: all.
    public var queueList: [String]? { queues.map { $0.split(separator: ",").map(String.init) } }

    enum CodingKeys: String, CodingKey {
        case agent
        case extensionNumber = "extension_number"
        case queues
        case pausedReason = "paused_reason"
    }
}

extension AgentSessionRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "agent_sessions"
}
