import Foundation
import VPBXTestSupport

@testable import VPBXACD

/// Drives a distributor the way the engine will: external events (arrivals, answers, hang-ups)
/// on a simulated clock, `tick` at every deadline the distributor asks for, and the PBX side
/// of each action simulated with a seeded generator. Checks the FIFO rule at every offer.
struct CallCenterSimulation {
    enum External {
        case join(caller: String, queue: String, priority: Int)
        case answer(caller: String, agent: String, generation: Int)
        case end(caller: String)
        case leave(caller: String)
        case pause(agent: String, reason: String)
        case unpause(agent: String)
        case hook(String)
    }

    var distributor: TestDistributor
    var random: SeededGenerator
    /// Chance that an agent lets an offer ring out.
    var noAnswerChance = 0.1
    var talkSeconds: ClosedRange<Int> = 30...180
    var now: TimeInterval = 0
    var deadline: Date?
    private var events: [(at: TimeInterval, order: Int, event: External)] = []
    private var order = 0
    /// Bumped whenever a caller's offer is made or withdrawn, so stale answers are dropped.
    private var generation: [String: Int] = [:]
    private var bridged: Set<String> = []
    var records: [QueueCallRecord] = []
    var joined: [String] = []
    var answeredBy: [String: Int] = [:]
    /// Callers offered while an earlier caller of the same queue and priority waited unoffered.
    var fifoViolations: [String] = []
    /// Runs at `.hook` events with the simulation at that instant.
    var hook: ((inout CallCenterSimulation, String) -> Void)?

    init(distributor: TestDistributor, seed: UInt64) {
        self.distributor = distributor
        self.random = SeededGenerator(seed: seed)
    }

    mutating func schedule(_ event: External, at time: TimeInterval) {
        events.append((time, order, event))
        order += 1
    }

    /// Random arrivals over `duration` seconds: exponential gaps of mean `meanGap`, a queue
    /// from `queues`, priority 1 for one caller in ten, and one in `abandonOneIn` hanging up
    /// after 2 to 240 s unless answered by then.
    mutating func scheduleArrivals(queues: [String], duration: TimeInterval, meanGap: Double, abandonOneIn: Int) {
        var time: TimeInterval = 0
        var index = 0
        while true {
            let uniform = Double.random(in: Double.ulpOfOne..<1, using: &random)
            time += (-log(uniform) * meanGap).rounded(.up)
            guard time < duration else { break }
            let caller = "c\(index)"
            index += 1
            let queue = queues[Int.random(in: 0..<queues.count, using: &random)]
            let priority = Int.random(in: 0..<10, using: &random) == 0 ? 1 : 0
            schedule(.join(caller: caller, queue: queue, priority: priority), at: time)
            if abandonOneIn > 0, Int.random(in: 0..<abandonOneIn, using: &random) == 0 {
                schedule(.leave(caller: caller), at: time + TimeInterval(Int.random(in: 2...240, using: &random)))
            }
        }
    }

    /// One break per agent: a pause of 5 to 15 minutes starting between `from` and `to`.
    mutating func scheduleBreaks(agents: [String], from: TimeInterval, to: TimeInterval) {
        for agent in agents {
            let start = TimeInterval(Int.random(in: Int(from)...Int(to), using: &random))
            let length = TimeInterval(Int.random(in: 300...900, using: &random))
            schedule(.pause(agent: agent, reason: "break"), at: start)
            schedule(.unpause(agent: agent), at: start + length)
        }
    }

    /// Runs until nothing is scheduled and the distributor wants no more ticks.
    mutating func run() throws {
        while true {
            let next = events.indices.min { (events[$0].at, events[$0].order) < (events[$1].at, events[$1].order) }
            let tickAt = deadline?.timeIntervalSince(t0)
            if let tickAt, next.map({ tickAt <= events[$0].at }) ?? true {
                now = max(now, tickAt)
                handle(distributor.tick(now: at(now)))
                continue
            }
            guard let next else { return }
            let (time, _, event) = events.remove(at: next)
            now = time
            switch event {
            case .join(let caller, let queue, let priority):
                joined.append(caller)
                handle(try distributor.callerJoined(caller, queue: queue, priority: priority, now: at(now)))
            case .answer(let caller, let agent, let wanted):
                guard generation[caller] == wanted else { continue }
                handle(distributor.offerAnswered(caller: caller, agent: agent, now: at(now)))
            case .end(let caller):
                handle(distributor.queueCallEnded(caller: caller, now: at(now)))
            case .leave(let caller):
                guard !bridged.contains(caller) else { continue }
                handle(distributor.callerLeft(caller, now: at(now)))
            case .pause(let agent, let reason):
                handle(distributor.agentPaused(agent, reason: reason, now: at(now)))
            case .unpause(let agent):
                handle(distributor.agentUnpaused(agent, now: at(now)))
            case .hook(let name):
                hook?(&self, name)
            }
        }
    }

    mutating func handle(_ output: ACDOutput) {
        records += output.records
        deadline = output.nextDeadline
        for action in output.actions {
            switch action {
            case .offer(let caller, let queue, let agents, let until):
                checkFIFO(caller: caller, queue: queue)
                generation[caller, default: 0] += 1
                for agent in agents where Double.random(in: 0..<1, using: &random) >= noAnswerChance {
                    let delay = TimeInterval(Int.random(in: 1...8, using: &random))
                    guard now + delay < until.timeIntervalSince(t0) else { continue }
                    schedule(.answer(caller: caller, agent: agent, generation: generation[caller]!), at: now + delay)
                }
            case .cancelOffer(let caller, _):
                generation[caller, default: 0] += 1
            case .bridge(let caller, let agent):
                generation[caller, default: 0] += 1
                bridged.insert(caller)
                answeredBy[agent, default: 0] += 1
                schedule(.end(caller: caller), at: now + TimeInterval(Int.random(in: talkSeconds, using: &random)))
            case .overflow, .reject:
                break
            }
        }
    }

    /// Every earlier caller of the same queue and priority must already be ringing someone.
    mutating func checkFIFO(caller: String, queue: String) {
        let line = distributor.waitingCallers(in: queue)
        guard let position = line.firstIndex(where: { $0.caller == caller }) else { return }
        let priority = line[position].priority
        for earlier in line[..<position] where earlier.priority == priority && earlier.offeredTo.isEmpty {
            fifoViolations.append("\(caller) offered before \(earlier.caller) in \(queue) at \(now)")
        }
    }
}
