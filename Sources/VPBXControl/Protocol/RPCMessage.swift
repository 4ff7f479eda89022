/// A request: `id` present means the caller waits for a response; absent means a
/// notification (no response is sent, not even for errors, per JSON-RPC 2.0).
public struct RPCRequest: Codable, Sendable, Hashable {
    public var jsonrpc: String = "2.0"
    /// A string or an integer; nil for a notification.
    public var id: JSONValue?
    public var method: String
    public var params: JSONValue?

    public init(id: JSONValue?, method: String, params: JSONValue? = nil) {
        self.id = id
        self.method = method
        self.params = params
    }
}

/// A response carrying either `result` or `error`, never both.
public struct RPCResponse: Sendable, Hashable {
    /// The request's id, or `.null` when the request could not be read far enough to know it.
    public var id: JSONValue
    public var outcome: Result<JSONValue, RPCError>

    public init(id: JSONValue, outcome: Result<JSONValue, RPCError>) {
        self.id = id
        self.outcome = outcome
    }

    public static func success(id: JSONValue, _ result: JSONValue) -> RPCResponse {
        RPCResponse(id: id, outcome: .success(result))
    }

    public static func failure(id: JSONValue, _ error: RPCError) -> RPCResponse {
        RPCResponse(id: id, outcome: .failure(error))
    }
}

extension RPCResponse: Codable {
    private enum CodingKeys: String, CodingKey { case jsonrpc, id, result, error }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(JSONValue.self, forKey: .id) ?? .null
        if let error = try container.decodeIfPresent(RPCError.self, forKey: .error) {
            outcome = .failure(error)
        } else if container.contains(.result) {
            outcome = .success(try container.decodeIfPresent(JSONValue.self, forKey: .result) ?? .null)
        } else {
            throw DecodingError.keyNotFound(
                CodingKeys.result, .init(codingPath: [], debugDescription: "a response needs 'result' or 'error'"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try RPCReply(self).encode(to: encoder)
    }
}

/// A server-to-client notification (no id). Events use method `event`.
public struct RPCNotification: Codable, Sendable, Hashable {
    public var jsonrpc: String = "2.0"
    public var method: String
    public var params: JSONValue?

    public init(method: String, params: JSONValue?) {
        self.method = method
        self.params = params
    }
}

/// Anything that can arrive on the socket, told apart by its members.
public enum RPCMessage: Sendable, Hashable {
    case request(RPCRequest)
    case response(RPCResponse)
    case notification(RPCNotification)

    /// Classifies one decoded line. A `method` with an `id` is a request, a `method`
    /// without one a notification, and `result`/`error` a response.
    public init(_ value: JSONValue) throws(RPCError) {
        guard case .object(let members) = value else {
            throw .invalidRequest("expected a JSON object (batches are not supported)")
        }
        guard members["jsonrpc"] == "2.0" else {
            throw .invalidRequest("member 'jsonrpc' must be \"2.0\"")
        }
        if let method = members["method"] {
            guard let name = method.stringValue else { throw .invalidRequest("member 'method' must be a string") }
            let params = members["params"]
            if let params, !params.isNull, !Self.isStructured(params) {
                throw .invalidRequest("member 'params' must be an object or an array")
            }
            if let id = members["id"] {
                guard Self.isValidID(id) else { throw .invalidRequest("member 'id' must be a string or an integer") }
                self = .request(RPCRequest(id: id, method: name, params: params))
            } else {
                self = .notification(RPCNotification(method: name, params: params))
            }
        } else if members["result"] != nil || members["error"] != nil {
            do {
                self = .response(try RPCCoding.decode(RPCResponse.self, from: value))
            } catch {
                throw .invalidRequest("malformed response: \(error)")
            }
        } else {
            throw .invalidRequest("expected 'method' (request) or 'result'/'error' (response)")
        }
    }

    private static func isStructured(_ value: JSONValue) -> Bool {
        switch value {
        case .object, .array: return true
        default: return false
        }
    }

    private static func isValidID(_ value: JSONValue) -> Bool {
        switch value {
        case .string, .int, .null: return true
        default: return false
        }
    }
}
