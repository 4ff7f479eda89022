import Foundation

/// One line from the engine as the client first reads it: what kind of message it is and
/// whom it answers, with the payload left in the bytes. The caller waiting for a response
/// decodes its result from them as the type it expects (``RPCResultLine``), in one pass;
/// reading every line into a ``JSONValue`` tree first and re-encoding it for the typed
/// decode cost three passes, three quarters of `vpbx cdr search --limit 10000`'s time.
struct RPCIncoming: Decodable {
    enum Kind {
        case response(id: JSONValue, error: RPCError?)
        case notification(method: String)
    }

    let kind: Kind

    private enum CodingKeys: String, CodingKey { case jsonrpc, id, method, result, error }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard try container.decodeIfPresent(String.self, forKey: .jsonrpc) == "2.0" else {
            throw RPCError.invalidRequest("member 'jsonrpc' must be \"2.0\"")
        }
        if let method = try container.decodeIfPresent(String.self, forKey: .method) {
            kind = .notification(method: method)
        } else if let error = try container.decodeIfPresent(RPCError.self, forKey: .error) {
            kind = .response(id: try container.decodeIfPresent(JSONValue.self, forKey: .id) ?? .null, error: error)
        } else if container.contains(.result) {
            kind = .response(id: try container.decodeIfPresent(JSONValue.self, forKey: .id) ?? .null, error: nil)
        } else {
            throw RPCError.invalidRequest("expected 'method' (notification) or 'result'/'error' (response)")
        }
    }
}

/// The `result` of a response line, decoded as `Result`.
struct RPCResultLine<Result: Decodable>: Decodable {
    let result: Result
}

/// The `params` of a notification line, decoded as `Params`.
struct RPCParamsLine<Params: Decodable>: Decodable {
    let params: Params
}
