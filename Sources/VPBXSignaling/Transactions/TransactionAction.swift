import VPBXSIP

/// What a transaction asks its owner to do. The owner performs the I/O and schedules timers; the
/// state machine stays pure and testable with a fake clock.
public enum TransactionAction: Sendable, Equatable {
    /// Put a request on the wire (first send, retransmission, or the ACK for a non-2xx final).
    case sendRequest(SIPRequest)
    /// Put a response on the wire (server side: first send or retransmission).
    case sendResponse(SIPResponse)
    /// Put a response kept as its bytes on the wire (a non-INVITE server transaction's final
    /// response, first sent and resent from the same bytes).
    case sendSerialized(SerializedSIPMessage)
    /// Hand a response to the transaction user (client side).
    case deliverResponse(SIPResponse)
    /// Hand a request to the transaction user (server side: the original request only).
    case deliverRequest(SIPRequest)
    case startTimer(TransactionTimer, Duration)
    /// No final response arrived in time (timer B or F), or the transport failed: the TU treats
    /// it as a 408 (RFC 3261 §17.1.1.2).
    case timedOut
    /// A final response was never acknowledged (timer H): the TU should end the dialog attempt.
    case ackNeverArrived
    /// The transaction is finished and can be removed from the table.
    case terminated
}
