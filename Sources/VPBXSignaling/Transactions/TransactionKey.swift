import VPBXSIP

/// Identifies a transaction (RFC 3261 §17.1.3, §17.2.3). ACK is filed under INVITE so a non-2xx
/// ACK finds its server transaction; CANCEL has its own transaction but `cancelTarget` finds the
/// INVITE it cancels. Requests from pre-RFC 3261 peers (no magic cookie) fall back to Call-ID,
/// CSeq number and From tag.
public struct TransactionKey: Hashable, Sendable, CustomStringConvertible {
    public let branch: String
    public let sentBy: String
    public let method: SIPMethod
    /// Hashed once: the core looks a key up several times per message (the transaction
    /// tables, the timer entries), and hashing its strings each time was about 1 % of the
    /// engine's time under call load.
    private let hash: Int

    public init(branch: String, sentBy: String, method: SIPMethod) {
        self.branch = branch
        self.sentBy = sentBy
        self.method = method == .ack ? .invite : method
        var hasher = Hasher()
        hasher.combine(branch)
        hasher.combine(sentBy)
        hasher.combine(self.method)
        self.hash = hasher.finalize()
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(hash)
    }

    public static func == (lhs: TransactionKey, rhs: TransactionKey) -> Bool {
        lhs.hash == rhs.hash && lhs.branch == rhs.branch && lhs.sentBy == rhs.sentBy && lhs.method == rhs.method
    }

    public var description: String { "\(method.name) \(branch) \(sentBy)" }

    /// The key of a server transaction for an incoming request.
    public static func server(for request: SIPRequest) throws(SIPParseError) -> TransactionKey {
        let via = try request.headers.topVia()
        let sentBy = via.host.lowercased() + ":" + String(via.port ?? 5060)
        if let branch = via.branch, branch.hasPrefix(Via.branchCookie) {
            return TransactionKey(branch: branch, sentBy: sentBy, method: request.method)
        }
        let cseq = try request.headers.cseq()
        let legacy = "legacy:\(request.headers.callID ?? ""):\(cseq.number):\((try? request.headers.fromTag()) ?? "")"
        return TransactionKey(branch: legacy, sentBy: sentBy, method: request.method)
    }

    /// The key of a client transaction a response belongs to (branch of its top Via + method).
    public static func client(for response: SIPResponse) throws(SIPParseError) -> TransactionKey {
        let via = try response.headers.topVia()
        let cseq = try response.headers.cseq()
        return TransactionKey(branch: via.branch ?? "", sentBy: "", method: cseq.method)
    }

    /// The key of the client transaction that sent `request` (our own branch in its top Via,
    /// as the core files it); nil for a request without one.
    public static func client(for request: SIPRequest) -> TransactionKey? {
        guard let via = try? request.headers.topVia(), let branch = via.branch else { return nil }
        return TransactionKey(branch: branch, sentBy: "", method: request.method)
    }

    /// The INVITE server transaction a CANCEL targets (same branch, RFC 3261 §9.2).
    public func cancelTarget() -> TransactionKey {
        TransactionKey(branch: branch, sentBy: sentBy, method: .invite)
    }
}
