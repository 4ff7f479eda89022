import Foundation

/// `engine.drain`: stop the engine once no call is left, instead of cutting them
/// (docs/operations.md).
public enum EngineDrain: RPCMethod {
    public static let name = "engine.drain"
    public static let summary =
        "Stop the engine when no call is left (when-idle), refusing new calls meanwhile (refuse-new), or cancel that."
    public static let allowedRoles: Set<Role> = .adminOnly

    public struct Params: Codable, Sendable, Hashable {
        /// `when-idle`: new calls are taken, the engine exits at the first moment without
        /// calls; `refuse-new`: new calls and OPTIONS get 503 with a Retry-After, the engine
        /// exits when the last call ends; `cancel`: back to normal.
        public var mode: String
        public init(mode: String) { self.mode = mode }
    }

    public struct Result: Codable, Sendable, Hashable {
        /// The mode now (`when-idle`, `refuse-new`); absent after `cancel`.
        public var draining: String?
        public var since: Date?
        /// Calls (and click-to-calls ringing their phone) the exit waits for.
        public var activeCalls: Int

        public init(draining: String?, since: Date?, activeCalls: Int) {
            self.draining = draining
            self.since = since
            self.activeCalls = activeCalls
        }
    }
}
