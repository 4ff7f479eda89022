import Foundation
import VPBXSignaling

/// Timers taken out of the wheel once they are known to be stale. Firing a stale timer is
/// harmless (the state machines ignore it), but a short call's transaction timeouts and its
/// no-answer timer would each wait up to 32 s for nothing: about a third of the timers a call
/// leaves behind, some 70 bytes each.
extension PBXCore {
    /// Timer B or F of a client transaction whose final response arrived (or that ended).
    func cancelTimeoutTimer(of entry: TransactionTable.ClientEntry, key: TransactionKey) {
        guard let deadline = entry.timeoutDeadline else { return }
        entry.timeoutDeadline = nil
        timers.cancel(at: deadline) { timer in
            guard case .client(let timerKey, let name) = timer else { return false }
            return (name == .b || name == .f) && timerKey == key
        }
    }

    /// The no-answer timer of the call's ringing phase, once that phase is over (answered,
    /// ended, handed back to an application, or followed by another phase).
    func cancelNoAnswerTimer(of call: Call, id: UUID) {
        call.ringingEndsAt = nil
        guard let deadline = call.noAnswerAt else { return }
        call.noAnswerAt = nil
        timers.cancel(at: deadline) { timer in
            guard case .noAnswer(let timerCall) = timer else { return false }
            return timerCall == id
        }
    }
}

extension PBXCore {
    /// The timers waiting, by kind (`noAnswer`, `client B`, `server J`, ...); for tests.
    func pendingTimerKinds() -> [String] {
        timers.pendingPayloads.map { timer in
            switch timer {
            case .server(_, let name): "server \(name.rawValue)"
            case .client(_, let name): "client \(name.rawValue)"
            case .noAnswer: "noAnswer"
            case .monitorNoAnswer: "monitorNoAnswer"
            case .confirmationTimeout: "confirmationTimeout"
            case .originationNoAnswer: "originationNoAnswer"
            case .qualify: "qualify"
            case .qualifyTimeout: "qualifyTimeout"
            case .trunkRegistration: "trunkRegistration"
            }
        }
    }
}
