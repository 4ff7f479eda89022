import Foundation
import Testing

@testable import VPBXACD

@Suite("Queue settings validation")
struct QueueSettingsTests {
    @Test("sensible settings pass")
    func validSettings() throws {
        let settings = QueueSettings(
            name: "sales", strategy: .fewestCalls,
            members: [QueueMember(agent: "1"), QueueMember(agent: "2", penalty: 2)],
            maxWaitSeconds: 300, overflowDestination: "vm:1000", maxLength: 10, announcementIntervalSeconds: 60,
            exitDigit: "0")
        try settings.validate()
    }

    @Test(
        "each bad field is named in the message",
        arguments: [
            (
                QueueSettings(name: "sales team"),
                "queue 'sales team': name must be 1 to 64 letters, digits, '-', '_' or '.', got 'sales team'"
            ),
            (
                QueueSettings(name: "q", ringTimeoutSeconds: 0),
                "queue 'q': ring timeout must be 1 to 600 seconds, got 0"
            ),
            (
                QueueSettings(name: "q", retryDelaySeconds: -1),
                "queue 'q': retry delay must be 0 to 3600 seconds, got -1"
            ),
            (
                QueueSettings(name: "q", maxWaitSeconds: 0),
                "queue 'q': max wait must be at least 1 second (leave it unset to wait forever), got 0"
            ),
            (
                QueueSettings(name: "q", maxLength: 0),
                "queue 'q': max length must be at least 1 caller (leave it unset for no limit), got 0"
            ),
            (
                QueueSettings(name: "q", serviceLevelSeconds: 0),
                "queue 'q': service level must be at least 1 second, got 0"
            ),
            (
                QueueSettings(name: "q", shortAbandonSeconds: -3),
                "queue 'q': short abandon must be 0 seconds or more, got -3"
            ),
            (QueueSettings(name: "q", wrapUpSeconds: 7200), "queue 'q': wrap-up must be 0 to 3600 seconds, got 7200"),
            (
                QueueSettings(name: "q", announcementIntervalSeconds: 5),
                "queue 'q': announcement interval must be at least 10 seconds (unset for none), got 5"
            ),
            (QueueSettings(name: "q", exitDigit: "12"), "queue 'q': exit digit must be one of 0-9, * or #, got '12'"),
            (
                QueueSettings(name: "q", overflowDestination: "vm 1000"),
                "queue 'q': overflow destination must be a destination like 'vm:1001' or 'queue:sales', got 'vm 1000'"
            ),
            (
                QueueSettings(name: "q", overflowDestination: "queue:q"),
                "queue 'q': overflow destination cannot be the queue itself ('queue:q')"
            ),
            (QueueSettings(name: "q", members: members("1", "1")), "queue 'q': members list agent '1' twice"),
            (
                QueueSettings(name: "q", members: [QueueMember(agent: "1", penalty: -1)]),
                "queue 'q': penalty of agent '1' must be 0 or more, got -1"
            ),
        ])
    func invalidSettings(settings: QueueSettings, message: String) {
        do {
            try settings.validate()
            Issue.record("'\(settings.name)' validated but should not")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("the distributor refuses invalid settings and unknown names")
    func distributorRefuses() throws {
        var distributor = try makeDistributor([QueueSettings(name: "sales", members: members("1"))], agents: ["1"])
        #expect(throws: ACDError.self) { _ = try distributor.configure(QueueSettings(name: ""), now: t0) }
        #expect(throws: ACDError.unknownQueue("support")) {
            _ = try distributor.callerJoined("c1", queue: "support", now: t0)
        }
        #expect(throws: ACDError.unknownAgent("9")) { _ = try distributor.agentLoggedIn("9", at: "109", now: t0) }
        distributor.define(AgentProfile(number: "2", name: "Bea"), now: t0)
        #expect(throws: ACDError.noQueues(agent: "2")) { _ = try distributor.agentLoggedIn("2", at: "102", now: t0) }
        #expect(throws: ACDError.notAMember(agent: "2", queue: "sales")) {
            _ = try distributor.agentLoggedIn("2", at: "102", queues: ["sales"], now: t0)
        }
        _ = try distributor.callerJoined("c1", queue: "sales", now: t0)
        #expect(throws: ACDError.duplicateCaller("c1")) {
            _ = try distributor.callerJoined("c1", queue: "sales", now: t0)
        }
    }
}

@Suite("Value types survive JSON, as the store and control protocol will need")
struct ACDCodingTests {
    @Test("settings, records and agent states round-trip through JSON")
    func roundTrip() throws {
        let settings = QueueSettings(
            name: "sales", strategy: .leastRecent, members: [QueueMember(agent: "1", penalty: 2)], maxWaitSeconds: 90,
            overflowDestination: "vm:1000", rejectJoinWhen: .noAgentsUnpaused, exitDigit: "#", pauseOnNoAnswer: true)
        let decodedSettings = try JSONDecoder().decode(QueueSettings.self, from: JSONEncoder().encode(settings))
        #expect(decodedSettings == settings)
        let record = QueueCallRecord(
            queue: "sales", caller: "c1", priority: 1, joinedAt: at(0), outcome: .answered, leftQueueAt: at(12),
            agent: "1", endedAt: at(70), completedAt: at(80), waitSeconds: 12, talkSeconds: 58, wrapUpSeconds: 10)
        let decodedRecord = try JSONDecoder().decode(QueueCallRecord.self, from: JSONEncoder().encode(record))
        #expect(decodedRecord == record)
        #expect(decodedRecord.answeredAt == at(12))
        #expect(decodedRecord.abandonedAt == nil)
        let states: [AgentState] = [.paused(reason: "lunch"), .wrapUp(until: at(5)), .otherCall]
        #expect(try JSONDecoder().decode([AgentState].self, from: JSONEncoder().encode(states)) == states)
        let strategy = String(decoding: try JSONEncoder().encode(DistributionStrategy.ringAll), as: UTF8.self)
        #expect(strategy == "\"ring-all\"")
    }
}
