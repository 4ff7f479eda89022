import Foundation
import Logging

/// Dispatches requests to typed handlers the engine registers, enforcing roles and
/// decoding params on the way in; answers `system.listMethods` itself.
///
/// Registration normally happens once at start-up, but is thread-safe at any time.
public final class ControlRouter: @unchecked Sendable {  // state guarded by `lock`
    /// A typed handler. Throw `RPCError` for expected failures; any other error is
    /// logged and answered as `internal`.
    public typealias Handler<M: RPCMethod> = @Sendable (M.Params, RequestContext) async throws -> M.Result

    private typealias RawHandler = @Sendable (JSONValue?, RequestContext) async throws -> any Encodable & Sendable

    private let lock = NSLock()
    private var handlers: [String: RawHandler] = [:]
    private var identity = CallerIdentity.nobody
    private let logger: Logger

    public init(logger: Logger = Logger(label: "vpbx.control")) {
        self.logger = logger
        register(SystemListMethods.self) { [unowned self] _, context in
            let implemented = self.implementedMethods
            return RPCCatalog.methods.map { method in
                SystemListMethods.MethodInfo(
                    name: method.name, summary: method.summary, allowedRoles: method.allowedRoles.sorted(),
                    allowed: method.allowedRoles.contains(context.role),
                    implemented: implemented.contains(method.name) || method.name == EventsSubscribe.name)
            }
        }
    }

    /// Registers (or replaces) the handler of `method`, which must be in `RPCCatalog`.
    public func register<M: RPCMethod>(_ method: M.Type, handler: @escaping Handler<M>) {
        precondition(RPCCatalog.method(named: M.name) != nil, "\(M.name) is not in RPCCatalog: add it there first")
        let raw: RawHandler = { [unowned self] params, context in
            let typed = try M.decodeParams(params)
            var context = context
            if M.ownAgentRoles.contains(context.role) {
                context = try await self.ownAgentContext(context, naming: (typed as? any AgentNaming)?.agentNumber)
            }
            return try await handler(typed, context)
        }
        lock.withLock { handlers[M.name] = raw }
    }

    /// Sets how callers are mapped to agents (the engine's store lookup).
    public func setCallerIdentity(_ identity: CallerIdentity) {
        lock.withLock { self.identity = identity }
    }

    /// Fills in the caller's user and agent; when the params name an agent, it must be the
    /// caller's own (the `agent` role acts on itself only).
    private func ownAgentContext(_ context: RequestContext, naming agent: String?) async throws -> RequestContext {
        let identity = lock.withLock { self.identity }
        var context = context
        context.userName = identity.userName(context.peer.uid)
        if let name = context.userName { context.ownAgent = try await identity.agent(name) }
        guard let agent else { return context }
        guard let own = context.ownAgent else {
            logForbidden(method: context.method, peer: context.peer, role: context.role)
            let user = context.userName.map { "Unix user \($0)" } ?? "uid \(context.peer.uid)"
            throw RPCError.forbidden(
                "your \(user) is not mapped to any agent, so \(context.method) on agent \(agent) needs the supervisor or admin role; an administrator maps you with: vpbx agent set NUMBER --unix-user \(context.userName ?? "NAME")"
            )
        }
        guard own == agent else {
            logForbidden(method: context.method, peer: context.peer, role: context.role)
            throw RPCError.forbidden(
                "you are agent \(own): as an \(context.role.rawValue) you may use \(context.method) on your own agent only, not on \(agent)"
            )
        }
        return context
    }

    /// Names of methods with a registered handler.
    public var implementedMethods: Set<String> {
        lock.withLock { Set(handlers.keys) }
    }

    /// Checks that a caller with `role` may call `method`; logs refusals.
    /// Returns the context to hand to the handler.
    public func authorize(method: String, peer: PeerCredentials, role: Role?) throws(RPCError) -> RequestContext {
        guard let role else {
            logForbidden(method: method, peer: peer, role: nil)
            throw .forbidden(
                "your Unix user (uid \(peer.uid)) has no role on this engine; ask an administrator to add you to one of the groups in the engine configuration"
            )
        }
        guard let descriptor = RPCCatalog.method(named: method) else { throw .methodNotFound(method) }
        guard descriptor.allowedRoles.contains(role) else {
            logForbidden(method: method, peer: peer, role: role)
            let allowed = descriptor.allowedRoles.sorted().map(\.rawValue).joined(separator: ", ")
            throw .forbidden("\(method) needs one of the roles \(allowed); you are \(role.rawValue)")
        }
        return RequestContext(peer: peer, role: role, method: method)
    }

    /// Answers one request. Always returns a response; the caller drops it when the
    /// request was a notification (no id). The result as a tree: for tests and tools; the
    /// connection sends ``reply(to:peer:role:)``, which encodes the result once.
    public func handle(_ request: RPCRequest, peer: PeerCredentials, role: Role?) async -> RPCResponse {
        let reply = await reply(to: request, peer: peer, role: role)
        switch reply.outcome {
        case .success(let result):
            do {
                return .success(id: reply.id, try RPCCoding.jsonValue(result))
            } catch {
                return .failure(id: reply.id, unencodable(request.method, error))
            }
        case .failure(let error):
            return .failure(id: reply.id, error)
        }
    }

    /// Answers one request with the handler's result as it returned it.
    func reply(to request: RPCRequest, peer: PeerCredentials, role: Role?) async -> RPCReply {
        let id = request.id ?? .null
        do {
            let context = try authorize(method: request.method, peer: peer, role: role)
            guard let handler = lock.withLock({ handlers[request.method] }) else {
                throw RPCError.unavailable("this engine does not implement \(request.method) yet")
            }
            return .success(id: id, try await handler(request.params, context))
        } catch let error as RPCError {
            return .failure(id: id, error)
        } catch {
            logger.error(
                "handler failed", metadata: ["method": "\(request.method)", "error": "\(String(reflecting: error))"])
            return .failure(id: id, .internal("internal error in \(request.method) (details are in the engine log)"))
        }
    }

    /// The error answered when a handler's result cannot be written as JSON (a NaN, say):
    /// logged, and the caller told where to look.
    func unencodable(_ method: String, _ error: any Error) -> RPCError {
        logger.error(
            "result not encodable", metadata: ["method": "\(method)", "error": "\(String(reflecting: error))"])
        return .internal("internal error in \(method) (details are in the engine log)")
    }

    private func logForbidden(method: String, peer: PeerCredentials, role: Role?) {
        logger.notice(
            "forbidden",
            metadata: [
                "method": "\(method)", "uid": "\(peer.uid)", "gid": "\(peer.gid)", "pid": "\(peer.pid)",
                "role": "\(role?.rawValue ?? "none")",
            ])
    }
}
