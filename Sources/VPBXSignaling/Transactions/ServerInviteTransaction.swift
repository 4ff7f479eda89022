import VPBXSIP

/// RFC 3261 §17.2.1 INVITE server transaction with the RFC 6026 "Accepted" state. The ACK for a
/// 2xx is a separate end-to-end request (its own branch), so the core matches it by dialog and
/// reports it with `acknowledged()`; until then the 2xx is retransmitted on unreliable transports
/// (§13.3.1.4) and, if it never comes, the TU is told to end the call.
public struct ServerInviteTransaction: Sendable {
    public enum State: Sendable, Equatable { case proceeding, completed, confirmed, accepted, terminated }

    public private(set) var state: State = .proceeding
    /// The INVITE until nothing is left to send (the final response is acknowledged); then nil:
    /// the transaction only absorbs retransmissions until its wait timer ends it.
    public var request: SIPRequest? { heldRequest?.message }
    private var heldRequest: HeldMessage<SIPRequest>?
    private let reliability: TransportReliability
    private let timings: TransactionTimings
    private var lastResponse: SIPResponse
    private var retransmitInterval: Duration
    private var acknowledged2xx = false
    /// Something went back to the caller (a response of the TU, or our `100 Trying`).
    private var answered = false

    /// Creates the transaction for a new INVITE and hands the INVITE to the TU. If the TU has
    /// not answered within ``TransactionTimings/tryingDelay`` (200 ms), the transaction sends
    /// `100 Trying` so the caller's timer A stops (RFC 3261 §17.2.1); a retransmitted INVITE
    /// before that gets it at once. A B2BUA usually relays the callee's `180` or answers
    /// sooner, and then the `100` is one datagram per call nobody needed (as is the one before
    /// a `407` challenge).
    ///
    /// - Parameter answersAtOnce: the TU will send its final response while handling the
    ///   INVITE (a refusal under overload): not even the timer.
    public static func start(
        _ request: SIPRequest, reliability: TransportReliability, timings: TransactionTimings = .rfc3261,
        answersAtOnce: Bool = false
    ) -> (ServerInviteTransaction, [TransactionAction]) {
        let trying = SIPResponse(to: request, status: 100)
        let transaction = ServerInviteTransaction(
            heldRequest: HeldMessage(request), reliability: reliability, timings: timings, lastResponse: trying, retransmitInterval: timings.t1)
        if answersAtOnce { return (transaction, [.deliverRequest(request)]) }
        return (transaction, [.startTimer(.trying, timings.tryingDelay), .deliverRequest(request)])
    }

    /// The TU answers.
    public mutating func respond(_ response: SIPResponse) -> [TransactionAction] {
        guard state == .proceeding else { return [] }
        answered = true
        lastResponse = response
        switch response.statusCode {
        case 100..<200:
            return [.sendResponse(response)]
        case 200..<300:
            state = .accepted
            var actions: [TransactionAction] = [.sendResponse(response)]
            if reliability == .unreliable { actions.append(.startTimer(.g, timings.t1)) }
            actions.append(.startTimer(.l, timings.timeout))
            return actions
        default:
            state = .completed
            var actions: [TransactionAction] = [.sendResponse(response)]
            if reliability == .unreliable { actions.append(.startTimer(.g, timings.t1)) }
            actions.append(.startTimer(.h, timings.timeout))
            return actions
        }
    }

    /// A request matched to this transaction: a retransmitted INVITE, or the ACK for a non-2xx.
    public mutating func receive(_ incoming: SIPRequest) -> [TransactionAction] {
        switch (state, incoming.method) {
        case (.proceeding, .invite), (.completed, .invite):
            answered = true
            return [.sendResponse(lastResponse)]
        case (.completed, .ack):
            state = .confirmed
            trim()
            return [.startTimer(.i, reliability == .unreliable ? timings.t4 : .zero)]
        default:
            return []  // INVITE retransmissions in accepted/confirmed and duplicate ACKs are absorbed
        }
    }

    /// The dialog's ACK for our 2xx arrived: stop retransmitting it.
    public mutating func acknowledged() {
        acknowledged2xx = true
        if state == .accepted { trim() }
    }

    /// Nothing will be sent again (the final response is acknowledged): keep no message until
    /// the wait timer ends the transaction (matching is by the table's key).
    private mutating func trim() {
        heldRequest = nil
        lastResponse = SIPResponse(statusCode: lastResponse.statusCode, reason: lastResponse.reason)
    }

    public mutating func timerFired(_ timer: TransactionTimer) -> [TransactionAction] {
        switch (state, timer) {
        case (.proceeding, .trying):
            guard !answered else { return [] }
            answered = true
            return [.sendResponse(lastResponse)]  // still the 100
        case (.completed, .g), (.accepted, .g):
            if state == .accepted && acknowledged2xx { return [] }
            retransmitInterval = min(retransmitInterval * 2, timings.t2)
            return [.sendResponse(lastResponse), .startTimer(.g, retransmitInterval)]
        case (.completed, .h):
            state = .terminated
            return [.ackNeverArrived, .terminated]
        case (.confirmed, .i):
            state = .terminated
            return [.terminated]
        case (.accepted, .l):
            state = .terminated
            return acknowledged2xx ? [.terminated] : [.ackNeverArrived, .terminated]
        default:
            return []
        }
    }

    public mutating func transportFailed() -> [TransactionAction] {
        guard state != .terminated else { return [] }
        state = .terminated
        return [.terminated]
    }
}
