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
    /// The provisional response last sent, resent to a retransmitted request.
    private var lastProvisional: SIPResponse?
    /// The final response as its bytes: resent to retransmitted requests for up to 64·T1, and
    /// as a message (header array, a string per header) it was about 320 bytes a call more.
    private var finalResponse: SerializedSIPMessage?

    public static func start(
        _ request: SIPRequest, reliability: TransportReliability, timings: TransactionTimings = .rfc3261
    ) -> (ServerNonInviteTransaction, [TransactionAction]) {
        (ServerNonInviteTransaction(heldRequest: HeldMessage(request), reliability: reliability, timings: timings), [.deliverRequest(request)])
    }

    public mutating func respond(_ response: SIPResponse) -> [TransactionAction] {
        switch state {
        case .trying, .proceeding:
            if response.isProvisional {
                lastProvisional = response
                state = .proceeding
                return [.sendResponse(response)]
            }
            // Serialized once, for the first send and every resend.
            let final = SerializedSIPMessage(.response(response))
            finalResponse = final
            lastProvisional = nil
            state = .completed
            heldRequest = nil
            return [.sendSerialized(final), .startTimer(.j, reliability == .unreliable ? timings.timeout : .zero)]
        case .completed, .terminated:
            return []
        }
    }

    /// A retransmission of the request.
    public mutating func receive(_ incoming: SIPRequest) -> [TransactionAction] {
        switch state {
        case .trying, .terminated: return []
        case .proceeding: return lastProvisional.map { [.sendResponse($0)] } ?? []
        case .completed: return finalResponse.map { [.sendSerialized($0)] } ?? []
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
