import Foundation
import VPBXACD
import VPBXControl
import VPBXStore

/// Converts between the store's plain queue records, the ACD core's settings and the wire
/// DTOs. Pure, so the mapping is tested without an engine.
enum QueueConfiguration {
    /// The ACD core's settings of a stored queue and its members (in order). Throws when a
    /// stored enum text is unknown (the store's backstop makes that a bug, not bad input).
    static func settings(_ record: QueueRecord, members: [QueueMemberRecord]) throws(QueueConfigurationError)
        -> QueueSettings
    {
        guard let strategy = DistributionStrategy(rawValue: record.strategy) else {
            throw QueueConfigurationError("queue \(record.name) has an unknown strategy '\(record.strategy)'")
        }
        guard let join = EmptyQueueCondition(rawValue: record.rejectJoinWhen),
            let leave = EmptyQueueCondition(rawValue: record.leaveWhen)
        else {
            throw QueueConfigurationError("queue \(record.name) has an unknown empty-queue rule")
        }
        return QueueSettings(
            name: record.name, strategy: strategy,
            members: members.sorted { $0.position < $1.position }.map {
                QueueMember(agent: $0.agent, penalty: $0.penalty)
            },
            ringTimeoutSeconds: record.ringTimeoutSeconds, retryDelaySeconds: record.retryDelaySeconds,
            maxWaitSeconds: record.maxWaitSeconds, overflowDestination: record.overflowDestination,
            maxLength: record.maxLength, rejectJoinWhen: join, leaveWhen: leave,
            serviceLevelSeconds: record.serviceLevelSeconds, shortAbandonSeconds: record.shortAbandonSeconds,
            wrapUpSeconds: record.wrapUpSeconds, announcementIntervalSeconds: record.announcementIntervalSeconds,
            musicClass: record.musicClass, exitDigit: record.exitDigit, pauseOnNoAnswer: record.pauseOnNoAnswer)
    }

    static func profile(_ record: AgentRecord) -> AgentProfile {
        AgentProfile(number: record.number, name: record.name)
    }

    /// Applies the given fields of `params` to `record`: 0 unsets the optional durations and
    /// the length, "" unsets the optional texts.
    static func apply(_ params: QueueParams, to record: inout QueueRecord) {
        if let strategy = params.strategy { record.strategy = strategy.rawValue }
        if let value = params.ringTimeout { record.ringTimeoutSeconds = value }
        if let value = params.retryDelay { record.retryDelaySeconds = value }
        if let value = params.maxWait { record.maxWaitSeconds = value == 0 ? nil : value }
        if let value = params.overflow { record.overflowDestination = value.isEmpty ? nil : value }
        if let value = params.maxLength { record.maxLength = value == 0 ? nil : value }
        if let rule = params.joinWhenEmpty { record.rejectJoinWhen = rule.rawValue }
        if let rule = params.leaveWhenEmpty { record.leaveWhen = rule.rawValue }
        if let value = params.serviceLevel { record.serviceLevelSeconds = value }
        if let value = params.shortAbandon { record.shortAbandonSeconds = value }
        if let value = params.wrapUp { record.wrapUpSeconds = value }
        if let value = params.announceEvery { record.announcementIntervalSeconds = value == 0 ? nil : value }
        if let value = params.exitDigit { record.exitDigit = value.isEmpty ? nil : value }
        if let value = params.pauseOnNoAnswer { record.pauseOnNoAnswer = value }
        if let value = params.music { record.musicClass = value.isEmpty || value == "default" ? nil : value }
        if let value = params.recordCalls { record.recordCalls = value }
    }

    /// Runs the ACD core's `validate()` on the queue as it would be stored, turning its
    /// message into an `invalid_argument` error that names the wire field.
    static func validate(_ record: QueueRecord, members: [QueueMemberRecord]) throws(RPCError) {
        do {
            try settings(record, members: members).validate()
        } catch let error as ACDError {
            throw RPCError.invalidArgument(error.description, field: field(of: error, queue: record.name))
        } catch {
            throw RPCError.invalidArgument("\(error)")
        }
    }

    /// The ACD core names fields in words ("queue 'sales': ring timeout must be ..."); these
    /// are the wire names of those words.
    static let wireFields: [(words: String, field: String)] = [
        ("name", "name"), ("ring timeout", "ringTimeout"), ("retry delay", "retryDelay"), ("max wait", "maxWait"),
        ("max length", "maxLength"), ("service level", "serviceLevel"), ("short abandon", "shortAbandon"),
        ("wrap-up", "wrapUp"), ("announcement interval", "announceEvery"), ("exit digit", "exitDigit"),
        ("overflow destination", "overflow"), ("members", "agent"), ("penalty", "penalty"),
    ]

    static func field(of error: ACDError, queue: String) -> String? {
        let prefix = "queue '\(queue)': "
        guard error.description.hasPrefix(prefix) else { return nil }
        let detail = error.description.dropFirst(prefix.count)
        return wireFields.first { detail.hasPrefix($0.words + " ") }?.field
    }

    static func info(_ record: QueueRecord, members: [QueueMemberRecord], agents: [String: AgentRecord]) -> QueueInfo {
        QueueInfo(
            name: record.name, strategy: QueueStrategy(rawValue: record.strategy) ?? .ringAll,
            ringTimeout: record.ringTimeoutSeconds, retryDelay: record.retryDelaySeconds,
            maxWait: record.maxWaitSeconds, overflow: record.overflowDestination, maxLength: record.maxLength,
            joinWhenEmpty: QueueEmptyRule(rawValue: record.rejectJoinWhen) ?? .never,
            leaveWhenEmpty: QueueEmptyRule(rawValue: record.leaveWhen) ?? .never,
            serviceLevel: record.serviceLevelSeconds, shortAbandon: record.shortAbandonSeconds,
            wrapUp: record.wrapUpSeconds, announceEvery: record.announcementIntervalSeconds,
            exitDigit: record.exitDigit, pauseOnNoAnswer: record.pauseOnNoAnswer, music: record.musicClass,
            recordCalls: record.recordCalls,
            members: members.sorted { $0.position < $1.position }.map {
                QueueMemberInfo(
                    agent: $0.agent, name: agents[$0.agent]?.name ?? "", penalty: $0.penalty, position: $0.position + 1)
            })
    }

    static func info(_ record: AgentRecord, queues: [String]) -> AgentInfo {
        AgentInfo(
            number: record.number, name: record.name, hasPin: record.pinHash != nil, queues: queues,
            unixUser: record.unixUser)
    }
}

/// A stored queue the ACD core cannot read.
struct QueueConfigurationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
