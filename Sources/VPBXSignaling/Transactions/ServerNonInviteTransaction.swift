import VPBXSIP

/// RFC 3261 §17.2.2 non-INVITE server transaction.
public struct ServerNonInviteTransaction: Sendable {
    public enum State: Sendable, Equatable { case trying, proceeding, completed, terminated }

    public private(set) var state: State = .trying
    /// The request until the final response is sent; then nil: a finished transaction only
    /// sends that response again for up to 64·T1, and keeping whole requests that long was
    /// most of the engine's memory per call.
    public var request: SIPRequest? { heldRequest?.message }
    private var heldRequest: HeldMessage<SIPRequest>?
    private let reliability: TransportReliability
    private let timings: TransactionTimings
    private var lastResponse: SIPResponse?

    public static func start(
        _ request: SIPRequest, reliability: TransportReliability, timings: TransactionTimings = .rfc3261
    ) -> (ServerNonInviteTransaction, [TransactionAction]) {
        (ServerNonInviteTransaction(heldRequest: HeldMessage(request), reliability: reliability, timings: timings), [.deliverRequest(request)])
    }

    public mutating func respond(_ response: SIPResponse) -> [TransactionAction] {
        switch state {
        case .trying, .proceeding:
            if response.isProvisional {
                lastResponse = response
                state = .proceeding
                return [.sendResponse(response)]
            }
            // Kept up to 64·T1 to answer retransmissions: no parsed values, no spare room.
            lastResponse = response.keptForResending()
            state = .completed
            heldRequest = nil
            return [.sendResponse(response), .startTimer(.j, reliability == .unreliable ? timings.timeout : .zero)]
        case .completed, .terminated:
            return []
        }
    }

    /// A retransmission of the request.
    public mutating func receive(_ incoming: SIPRequest) -> [TransactionAction] {
        switch state {
        case .trying, .terminated: return []
        case .proceeding, .completed: return lastResponse.map { [.sendResponse($0)] } ?? []
        }
    }

    public mutating func timerFired(_ timer: TransactionTimer) -> [TransactionAction] {
        guard state == .completed, timer == .j else { return [] }
        state = .terminated
        return [.terminated]
    }

    public mutating func transportFailed() -> [TransactionAction] {
        guard state != .terminated else { return [] }
        state = .terminated
        return [.terminated]
    }
}
