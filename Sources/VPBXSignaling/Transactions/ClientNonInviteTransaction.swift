import VPBXSIP

/// RFC 3261 §17.1.2 non-INVITE client transaction (BYE, CANCEL, OPTIONS, NOTIFY, ...).
public struct ClientNonInviteTransaction: Sendable {
    public enum State: Sendable, Equatable { case trying, proceeding, completed, terminated }

    public private(set) var state: State = .trying
    /// The request until a final response arrives; then nil (retransmitted finals are only
    /// absorbed, matched by the table's key).
    public var request: SIPRequest? { heldRequest?.message }
    private var heldRequest: HeldMessage<SIPRequest>?
    private let reliability: TransportReliability
    private let timings: TransactionTimings
    private var retransmitInterval: Duration

    public static func start(
        _ request: SIPRequest, reliability: TransportReliability, timings: TransactionTimings = .rfc3261
    ) -> (ClientNonInviteTransaction, [TransactionAction]) {
        let transaction = ClientNonInviteTransaction(heldRequest: HeldMessage(request), reliability: reliability, timings: timings, retransmitInterval: timings.t1)
        var actions: [TransactionAction] = [.sendRequest(request)]
        if reliability == .unreliable { actions.append(.startTimer(.e, timings.t1)) }
        actions.append(.startTimer(.f, timings.timeout))
        return (transaction, actions)
    }

    public mutating func receive(_ response: SIPResponse) -> [TransactionAction] {
        switch state {
        case .trying, .proceeding:
            if response.isProvisional {
                state = .proceeding
                return [.deliverResponse(response)]
            }
            state = .completed
            heldRequest = nil
            let wait = reliability == .unreliable ? timings.t4 : .zero
            return [.deliverResponse(response), .startTimer(.k, wait)]
        case .completed, .terminated:
            return []  // retransmitted finals are absorbed
        }
    }

    public mutating func timerFired(_ timer: TransactionTimer) -> [TransactionAction] {
        switch (state, timer) {
        case (.trying, .e):
            guard let request else { return [] }
            retransmitInterval = min(retransmitInterval * 2, timings.t2)
            return [.sendRequest(request), .startTimer(.e, retransmitInterval)]
        case (.proceeding, .e):
            guard let request else { return [] }
            return [.sendRequest(request), .startTimer(.e, timings.t2)]
        case (.trying, .f), (.proceeding, .f):
            state = .terminated
            return [.timedOut, .terminated]
        case (.completed, .k):
            state = .terminated
            return [.terminated]
        default:
            return []
        }
    }

    public mutating func transportFailed() -> [TransactionAction] {
        guard state == .trying || state == .proceeding else { return [] }
        state = .terminated
        return [.timedOut, .terminated]
    }
}
