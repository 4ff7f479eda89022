import VPBXSIP

/// RFC 3261 §17.1.1 INVITE client transaction with the RFC 6026 "Accepted" state: 2xx responses
/// (and their retransmissions) go to the TU, which sends the ACK itself, because that ACK is an
/// end-to-end request of the dialog rather than of this transaction.
public struct ClientInviteTransaction: Sendable {
    public enum State: Sendable, Equatable { case calling, proceeding, completed, accepted, terminated }

    public private(set) var state: State = .calling
    /// The INVITE until a final response arrives; then nil. It is never resent after that,
    /// and the wait states (up to 64·T1) keep at most the ACK for a failure.
    public var request: SIPRequest? { heldRequest?.message }
    private var heldRequest: HeldMessage<SIPRequest>?
    /// The hop-by-hop ACK for the failure that completed the transaction, sent again for each
    /// retransmission of that failure.
    private var failureAck: HeldMessage<SIPRequest>?
    private let reliability: TransportReliability
    private let timings: TransactionTimings
    private var retransmitInterval: Duration
    /// Timer B also ends the wait for a final response after a provisional one: from the
    /// start for a request no phone rings for (a re-INVITE), or once a CANCEL went out
    /// (``cancelSent()``).
    private var boundedWhileProceeding: Bool

    /// Creates the transaction and returns the actions that send the INVITE.
    ///
    /// - Parameter ringing: the request may ring (a call's INVITE): after a provisional
    ///   response only the TU's own timer ends the wait. A re-INVITE rings nobody, and a
    ///   phone that answers it 100 and nothing more is given up at timer B as before.
    public static func start(
        _ request: SIPRequest, reliability: TransportReliability, timings: TransactionTimings = .rfc3261,
        ringing: Bool = true
    ) -> (ClientInviteTransaction, [TransactionAction]) {
        let transaction = ClientInviteTransaction(
            heldRequest: HeldMessage(request), reliability: reliability, timings: timings, retransmitInterval: timings.t1,
            boundedWhileProceeding: !ringing)
        var actions: [TransactionAction] = [.sendRequest(request)]
        if reliability == .unreliable { actions.append(.startTimer(.a, timings.t1)) }
        actions.append(.startTimer(.b, timings.timeout))
        return (transaction, actions)
    }

    public mutating func receive(_ response: SIPResponse) -> [TransactionAction] {
        switch (state, response.statusCode) {
        case (.calling, 100..<200), (.proceeding, 100..<200):
            state = .proceeding
            return [.deliverResponse(response)]
        case (.calling, 200..<300), (.proceeding, 200..<300):
            state = .accepted
            heldRequest = nil
            return [.deliverResponse(response), .startTimer(.m, timings.timeout)]
        case (.accepted, 200..<300):
            return [.deliverResponse(response)]  // a 2xx retransmission: the TU re-sends its ACK
        case (.calling, 300...), (.proceeding, 300...):
            guard let request else { return [] }
            state = .completed
            let ack = Self.ackForFailure(of: request, response)
            failureAck = HeldMessage(ack.keptForResending())
            heldRequest = nil
            let wait = reliability == .unreliable ? Duration.seconds(32) : .zero
            return [.sendRequest(ack), .deliverResponse(response), .startTimer(.d, wait)]
        case (.completed, 300...):
            // A retransmitted final: the same ACK again, the TU not told.
            return failureAck.map { [.sendRequest($0.message)] } ?? []
        default:
            return []
        }
    }

    public mutating func timerFired(_ timer: TransactionTimer) -> [TransactionAction] {
        switch (state, timer) {
        case (.calling, .a):
            guard let request else { return [] }
            retransmitInterval = retransmitInterval * 2
            return [.sendRequest(request), .startTimer(.a, retransmitInterval)]
        case (.calling, .b):
            state = .terminated
            return [.timedOut, .terminated]
        case (.proceeding, .b):
            // RFC 3261 §17.1.1.2: timer B bounds the wait for a first response only. A phone
            // that rings may ring as long as the caller waits (the TU's no-answer timer says
            // how long); ended at 32 s, every ring time above that failed with a 408. Once
            // the INVITE was cancelled, its final response is due (§9.1: 64·T1 after the
            // CANCEL, the transaction is given up).
            guard boundedWhileProceeding else { return [] }
            state = .terminated
            return [.timedOut, .terminated]
        case (.completed, .d), (.accepted, .m):
            state = .terminated
            failureAck = nil
            return [.terminated]
        default:
            return []
        }
    }

    /// The TU sent a CANCEL for this INVITE: if no final response arrives within 64·T1 of it,
    /// the transaction is given up as timed out (RFC 3261 §9.1), which restarts timer B.
    public mutating func cancelSent() -> [TransactionAction] {
        guard state == .calling || state == .proceeding, !boundedWhileProceeding else { return [] }
        boundedWhileProceeding = true
        return [.startTimer(.b, timings.timeout)]
    }

    public mutating func transportFailed() -> [TransactionAction] {
        guard state == .calling || state == .proceeding else { return [] }
        state = .terminated
        return [.timedOut, .terminated]
    }

    /// The hop-by-hop ACK of RFC 3261 §17.1.1.3: same Request-URI, top Via, From, Call-ID and
    /// CSeq number as the INVITE, the To of the response, and the INVITE's Route set.
    static func ackForFailure(of request: SIPRequest, _ response: SIPResponse) -> SIPRequest {
        var headers = SIPHeaders()
        if let via = request.headers.values("Via").first { headers.add("Via", via) }
        if let from = request.headers["From"] { headers.add("From", from) }
        if let to = response.headers["To"] { headers.add("To", to) }
        if let callID = request.headers.callID { headers.add("Call-ID", callID) }
        let number = (try? request.headers.cseq().number) ?? 1
        headers.add("CSeq", CSeq(number, .ack).description)
        for route in request.headers.lines("Route") { headers.add("Route", route) }
        headers.add("Max-Forwards", "70")
        return SIPRequest(method: .ack, uri: request.uri, headers: headers)
    }
}
