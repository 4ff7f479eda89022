/// A response as the engine sends it: the handler's typed result, encoded once, straight into
/// the response line. Going through a ``JSONValue`` tree first (encode, decode into the tree,
/// encode the tree) made a 10,000-row CDR search three JSON passes instead of one: 70 % of
/// the engine's time for it went into that detour (bench/cdr-search).
struct RPCReply: Encodable, Sendable {
    let id: JSONValue
    let outcome: Result<any Encodable & Sendable, RPCError>

    static func success(id: JSONValue, _ result: any Encodable & Sendable) -> RPCReply {
        RPCReply(id: id, outcome: .success(result))
    }

    static func failure(id: JSONValue, _ error: RPCError) -> RPCReply {
        RPCReply(id: id, outcome: .failure(error))
    }

    init(id: JSONValue, outcome: Result<any Encodable & Sendable, RPCError>) {
        self.id = id
        self.outcome = outcome
    }

    /// The same reply as an ``RPCResponse`` (the result as a tree), for tests and tools.
    init(_ response: RPCResponse) {
        switch response.outcome {
        case .success(let result): self = .success(id: response.id, result)
        case .failure(let error): self = .failure(id: response.id, error)
        }
    }

    private enum CodingKeys: String, CodingKey { case jsonrpc, id, result, error }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("2.0", forKey: .jsonrpc)
        try container.encode(id, forKey: .id)
        switch outcome {
        case .success(let result): try container.encode(result, forKey: .result)
        case .failure(let error): try container.encode(error, forKey: .error)
        }
    }
}
