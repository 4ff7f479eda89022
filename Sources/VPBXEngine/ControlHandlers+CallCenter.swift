import Foundation
import VPBXACD
import VPBXControl
import VPBXPBX

/// `agent.login/logout/pause/unpause/status` and `queue.stats` over the engine's `QueueCenter`.
extension ControlHandlers {
    func registerCallCenterMethods(on router: ControlRouter) {
        router.register(AgentLogin.self) { params, _ in
            guard try await storeCall({ try await self.extensions.get(params.extension) }) != nil else {
                throw RPCError.notFound("extension \(params.extension) does not exist")
            }
            try await acdCall { try await queueCenter.login(agent: params.number, at: params.extension, queues: params.queues.map(Set.init)) }
            return try await status(of: params.number)
        }
        router.register(AgentLogout.self) { params, _ in
            try await acdCall { try await queueCenter.logout(agent: params.number) }
            return try await status(of: params.number)
        }
        router.register(AgentPause.self) { params, _ in
            let reason = params.reason.trimmingCharacters(in: .whitespaces)
            guard (1...32).contains(reason.count), !reason.contains(where: \.isNewline) else {
                throw RPCError.invalidArgument(
                    "pause reason '\(params.reason)' must be 1 to 32 characters, e.g. lunch, training, admin", field: "reason")
            }
            try await acdCall { try await queueCenter.pause(agent: params.number, reason: reason) }
            return try await status(of: params.number)
        }
        router.register(AgentUnpause.self) { params, _ in
            try await acdCall { try await queueCenter.unpause(agent: params.number) }
            return try await status(of: params.number)
        }
        router.register(AgentSelf.self) { _, context in
            try await status(of: try AgentIdentity.ownAgent(context))
        }
        router.register(AgentStatus.self) { _, _ in
            var list: [AgentStatusInfo] = []
            for agent in await queueCenter.agents() {
                list.append(try await status(of: agent.profile.number))
            }
            return list
        }
        router.register(QueuePickup.self) { params, _ in
            guard try await storeCall({ try await self.extensions.get(params.extension) }) != nil else {
                throw RPCError.notFound("extension \(params.extension) does not exist")
            }
            try await acdCall { try await queueCenter.pickUp(callID: params.call, to: params.extension) }
            return Acknowledged()
        }
        router.register(QueueMove.self) { params, _ in
            try await acdCall { try await queueCenter.move(callID: params.call, to: params.queue) }
            return Acknowledged()
        }
        router.register(QueueStats.self) { params, _ in
            var names = await queueCenter.queueNames()
            if let queue = params.queue { names = [queue] }
            var list: [QueueStatsInfo] = []
            for name in names {
                guard let figures = await queueCenter.statistics(of: name) else {
                    throw RPCError.notFound("queue \(name) does not exist (see vpbx queue list)")
                }
                list.append(Self.info(figures))
            }
            return list
        }
    }

    private func acdCall(_ operation: () async throws -> Void) async throws {
        do {
            try await operation()
        } catch let error as ACDError {
            if error.isUnknownName { throw RPCError.notFound(error.description) }
            throw RPCError.invalidArgument(error.description, field: nil)
        }
    }

    private func status(of number: String) async throws -> AgentStatusInfo {
        guard let (agent, statistics) = await queueCenter.agent(number) else {
            throw RPCError.notFound("agent \(number) does not exist (see vpbx agent list)")
        }
        let now = Date()
        var reason: String?
        var wrapUpUntil: Date?
        switch agent.state {
        case .paused(let why): reason = why
        case .wrapUp(let until): wrapUpUntil = until
        default: break
        }
        let call = await queueCenter.queueCall(of: number).map {
            AgentCallInfo(
                callID: $0.callID, queue: $0.queue, caller: $0.number, callerName: $0.name, joinedAt: $0.joinedAt,
                answeredAt: $0.answeredAt, endedAt: $0.endedAt)
        }
        // A logged-out agent takes calls from no queue; list the queues they belong to, so a
        // supervisor sees them under those queues.
        let queues = agent.state == .loggedOut ? await queueCenter.memberQueues(of: number) : agent.queues.sorted()
        return AgentStatusInfo(
            number: number, name: agent.profile.name, state: agent.state.name, reason: reason,
            extensionNumber: agent.state == .loggedOut ? nil : agent.extensionNumber, queues: queues,
            stateSince: agent.stateSince, secondsInState: Int(now.timeIntervalSince(agent.stateSince)),
            callsHandled: statistics?.callsHandled ?? 0, talkSeconds: Int(statistics?.talkTime ?? 0),
            holdSeconds: Int(statistics?.holdTime ?? 0), wrapUpSeconds: Int(statistics?.wrapUpTime ?? 0),
            missedOffers: statistics?.missedOffers ?? 0,
            pauses: (statistics?.pauses ?? [:]).mapValues { .init(count: $0.count, seconds: Int($0.duration)) },
            memberQueues: await queueCenter.memberQueues(of: number), wrapUpUntil: wrapUpUntil, call: call)
    }

    static func info(_ figures: QueueFigures) -> QueueStatsInfo {
        let now = Date()
        let live = figures.live
        return QueueStatsInfo(
            queue: live.queue, callsWaiting: live.callsWaiting, longestCurrentWaitSeconds: Int(live.longestCurrentWait),
            agentsLoggedIn: live.agentsLoggedIn, agentsAvailable: live.agentsAvailable, agentsRinging: live.agentsRinging,
            agentsOnCall: live.agentsOnCall, agentsInWrapUp: live.agentsInWrapUp, agentsPaused: live.agentsPaused,
            agentsOnOtherCall: live.agentsOnOtherCall, today: period(figures.today, since: figures.since),
            window: period(figures.window, since: figures.windowStart),
            waiting: figures.waiting.map {
                WaitingCallerInfo(
                    callID: $0.caller, priority: $0.priority, joinedAt: $0.joinedAt,
                    waitedSeconds: Int(now.timeIntervalSince($0.joinedAt)), offeredTo: $0.offeredTo)
            })
    }

    private static func period(_ totals: QueueTotals, since: Date) -> QueuePeriodInfo {
        QueuePeriodInfo(
            since: since, offered: totals.offered, answered: totals.answered, abandoned: totals.abandoned,
            shortAbandoned: totals.shortAbandoned, overflowed: totals.overflowed, rejected: totals.rejected,
            serviceLevelPercent: totals.serviceLevel.map { ($0 * 1000).rounded() / 10 },
            averageSpeedOfAnswerSeconds: totals.averageSpeedOfAnswer, averageHandleTimeSeconds: totals.averageHandleTime,
            longestWaitSeconds: totals.longestWait)
    }
}
