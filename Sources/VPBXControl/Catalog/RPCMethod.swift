/// One method of the control protocol: its wire name, its typed params and result, who
/// may call it, and its help text. The engine, the CLI and the TUI all use these types,
/// so the protocol is written down exactly once.
public protocol RPCMethod: Sendable {
    associatedtype Params: Codable & Sendable
    associatedtype Result: Codable & Sendable
    /// `noun.verb`, e.g. `extension.create`.
    static var name: String { get }
    /// One line for `system.listMethods`, `vpbx rpc` and the manual.
    static var summary: String { get }
    static var allowedRoles: Set<Role> { get }
    /// Roles that may call the method only for their own agent: for these the router finds
    /// the agent mapped to the caller's Unix user (`RequestContext.ownAgent`) and refuses
    /// params naming another agent (`AgentNaming`) with `forbidden`. Empty by default.
    static var ownAgentRoles: Set<Role> { get }
}

extension RPCMethod {
    public static var ownAgentRoles: Set<Role> { [] }
}

/// Params that name the agent a method acts on, so the router can hold the `agent` role to
/// its own agent.
public protocol AgentNaming {
    var agentNumber: String { get }
}

/// Params of a method that takes none: accepts an absent, null or empty `params`.
public struct NoParams: Codable, Sendable, Hashable {
    public init() {}
}

/// A method seen without its types: what `system.listMethods` and `vpbx rpc` need.
public struct RPCMethodDescriptor: Sendable {
    public let name: String
    public let summary: String
    public let allowedRoles: Set<Role>
    public let ownAgentRoles: Set<Role>
    /// Checks raw params against the method's `Params` type, throwing an
    /// `invalid_argument` error that names the offending field.
    public let validateParams: @Sendable (JSONValue?) throws(RPCError) -> Void

    public init<M: RPCMethod>(_ method: M.Type) {
        name = M.name
        summary = M.summary
        allowedRoles = M.allowedRoles
        ownAgentRoles = M.ownAgentRoles
        validateParams = { params throws(RPCError) in _ = try M.decodeParams(params) }
    }
}

extension RPCMethod {
    /// Decodes wire params into `Params`; missing or null params decode as `{}` so that
    /// methods whose fields are all optional need no params at all.
    public static func decodeParams(_ params: JSONValue?) throws(RPCError) -> Params {
        let value: JSONValue = (params == nil || params == .null) ? .object([:]) : params!
        do {
            return try RPCCoding.decode(Params.self, from: value)
        } catch let error as DecodingError {
            throw RPCError.invalidArgument(
                "invalid params for \(name): \(error.fieldDescription)", field: error.fieldPath)
        } catch {
            throw RPCError.invalidArgument("invalid params for \(name): \(error)")
        }
    }
}
