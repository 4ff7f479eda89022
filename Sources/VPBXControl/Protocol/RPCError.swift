/// A JSON-RPC error object: numeric `code`, human `message`, and `data.reason`, a stable
/// machine-readable string that scripts may branch on.
///
/// Handlers throw these; anything else a handler throws is reported as `internal`.
public struct RPCError: Error, Codable, Sendable, Hashable {
    public var code: Int
    public var message: String
    /// Always an object carrying at least `reason`; may carry more (e.g. `field`).
    public var data: JSONValue?

    public init(code: Int, message: String, reason: Reason, extra: [String: JSONValue] = [:]) {
        self.code = code
        self.message = message
        var members = extra
        members["reason"] = .string(reason.rawValue)
        self.data = .object(members)
    }

    /// The stable reason from `data.reason`, if the peer sent one.
    public var reason: Reason? {
        data?["reason"]?.stringValue.map(Reason.init(rawValue:))
    }

    /// A stable machine-readable error reason. A struct rather than an enum so that a newer
    /// engine may send a reason an older client has never heard of.
    public struct Reason: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let notFound = Reason(rawValue: "not_found")
        public static let invalidArgument = Reason(rawValue: "invalid_argument")
        public static let conflict = Reason(rawValue: "conflict")
        public static let forbidden = Reason(rawValue: "forbidden")
        public static let unavailable = Reason(rawValue: "unavailable")
        public static let `internal` = Reason(rawValue: "internal")
        public static let parseError = Reason(rawValue: "parse_error")
        public static let invalidRequest = Reason(rawValue: "invalid_request")
        public static let methodNotFound = Reason(rawValue: "method_not_found")
    }

    /// JSON-RPC 2.0 codes, plus the application range (-32000 and below) for our reasons.
    public enum Code {
        public static let parseError = -32700
        public static let invalidRequest = -32600
        public static let methodNotFound = -32601
        public static let invalidParams = -32602
        public static let internalError = -32603
        public static let forbidden = -32001
        public static let notFound = -32002
        public static let conflict = -32003
        public static let unavailable = -32004
    }
}

extension RPCError {
    public static func notFound(_ message: String) -> RPCError {
        RPCError(code: Code.notFound, message: message, reason: .notFound)
    }

    /// Bad parameters; `field` names the offending parameter when known.
    public static func invalidArgument(_ message: String, field: String? = nil) -> RPCError {
        RPCError(
            code: Code.invalidParams, message: message, reason: .invalidArgument,
            extra: field.map { ["field": .string($0)] } ?? [:])
    }

    public static func conflict(_ message: String) -> RPCError {
        RPCError(code: Code.conflict, message: message, reason: .conflict)
    }

    public static func forbidden(_ message: String) -> RPCError {
        RPCError(code: Code.forbidden, message: message, reason: .forbidden)
    }

    public static func unavailable(_ message: String) -> RPCError {
        RPCError(code: Code.unavailable, message: message, reason: .unavailable)
    }

    public static func `internal`(_ message: String) -> RPCError {
        RPCError(code: Code.internalError, message: message, reason: .internal)
    }

    public static func parseError(_ message: String) -> RPCError {
        RPCError(code: Code.parseError, message: message, reason: .parseError)
    }

    public static func invalidRequest(_ message: String) -> RPCError {
        RPCError(code: Code.invalidRequest, message: message, reason: .invalidRequest)
    }

    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(
            code: Code.methodNotFound,
            message: "unknown method '\(method)' (system.listMethods lists the methods this engine offers)",
            reason: .methodNotFound)
    }
}

extension RPCError: CustomStringConvertible {
    public var description: String { message }
}
