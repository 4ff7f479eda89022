import Foundation

/// `engine.hello`: the first call of a client; tells protocol version and capabilities
/// so that an old client can fail with a clear message instead of a parse error.
public enum EngineHello: RPCMethod {
    public static let name = "engine.hello"
    public static let summary = "Protocol version, engine version, capabilities and the caller's role."
    public static let allowedRoles: Set<Role> = .everyone

    public struct Params: Codable, Sendable, Hashable {
        /// Free text identifying the client in logs, e.g. `vpbx/1.0`.
        public var client: String?
        public init(client: String? = nil) { self.client = client }
    }

    public struct Result: Codable, Sendable, Hashable {
        public var protocolVersion: String
        public var engineVersion: String
        public var capabilities: [String]
        public var role: Role
        public init(protocolVersion: String = EngineHello.protocolVersion, engineVersion: String, capabilities: [String], role: Role) {
            self.protocolVersion = protocolVersion
            self.engineVersion = engineVersion
            self.capabilities = capabilities
            self.role = role
        }
    }

    /// The protocol version this library speaks.
    public static let protocolVersion = "1"
}

/// `engine.status`: a health summary.
public enum EngineStatus: RPCMethod {
    public static let name = "engine.status"
    public static let summary = "Uptime, SIP listen addresses and counts of extensions, registrations and calls."
    public static let allowedRoles: Set<Role> = .everyone
    public typealias Params = NoParams

    public struct Result: Codable, Sendable, Hashable {
        public var engineVersion: String
        public var startedAt: Date
        public var uptimeSeconds: Int
        /// e.g. `udp:0.0.0.0:5060`.
        public var sipListen: [String]
        public var extensions: Int
        public var registrations: Int
        public var activeCalls: Int
        /// The configured limit on concurrent calls; nil: none (or an engine before it existed).
        public var maximumCalls: Int?
        /// Whether new calls are refused for overload right now.
        public var overloaded: Bool?
        /// New calls refused with 503 since the start: at the call limit, while overloaded, and
        /// for lack of media ports.
        public var callsRefusedAtLimit: Int?
        public var callsRefusedOverloaded: Int?
        public var callsRefusedNoMediaPorts: Int?
        /// New calls refused with 503 since the start while too many store writes waited
        /// (`--max-pending-writes`, a full disk).
        public var callsRefusedStoreBacklog: Int?
        /// Requests refused 403 for wrong credentials since the start.
        public var authenticationFailures: Int?
        /// Sources banned right now for repeated authentication failures (`ban.list`).
        public var bannedSources: Int?
        /// New requests dropped since the start because their untrusted source sent more than
        /// `--source-rate-limit` in a second.
        public var requestsRateLimited: Int?
        /// CDR and registration writes accepted and not yet in the database.
        public var storeWritesPending: Int?
        /// Seconds the database has been refusing writes (a full disk...); nil while it
        /// accepts them. The writes wait in memory meanwhile.
        public var storeFailingSeconds: Int?
        /// RTP port pairs (even RTP, odd RTCP) the engine may use: its range, or fewer when the
        /// descriptor limit allows fewer. A call takes two (one per leg).
        public var rtpPortPairs: Int?
        /// Pairs taken now: by calls, and by the socket sets of ended calls parked for reuse.
        public var rtpPortPairsInUse: Int?
        /// Socket sets (two pairs each) of ended calls kept bound for the next calls; a new
        /// call takes one that has waited a quarter second, so late packets of the old call
        /// cannot reach it.
        public var rtpSocketSetsParked: Int?
        /// Datagrams the kernel dropped at the SIP UDP sockets since the start because their
        /// receive buffer was full (the engine fell behind reading them).
        public var sipDatagramsDropped: Int?
        /// Control clients following events now (`events.subscribe`: consoles, wallboards,
        /// CRM connectors).
        public var eventSubscribers: Int?
        /// Subscribers dropped since the start for falling too far behind reading events
        /// (each got `events.overflow` and had to subscribe again).
        public var eventSubscribersDropped: Int?
        /// What each `--webhook` delivered and failed to since the start.
        public var webhooks: [WebhookStatus]?
        /// Trunks configured, those registered at their provider now, and those whose
        /// registration fails (by name).
        public var trunks: Int?
        public var trunksRegistered: Int?
        public var trunksFailing: [String]?
        /// The fingerprint of the key new call recordings are encrypted with at rest; nil:
        /// they are plain WAV files (no `--recording-key`).
        public var recordingKey: String?
        /// Encrypted recordings the engine found at its start without a key to read them.
        public var recordingsUnreadable: Int?
        /// True when call recording could not start (its audit log cannot be written).
        public var recordingOff: Bool?
        /// `when-idle` or `refuse-new` while the engine drains (`engine.drain`), with since
        /// when; absent otherwise.
        public var draining: String?
        public var drainingSince: Date?
        /// New calls refused with 503 since the start while draining with `refuse-new`.
        public var callsRefusedDraining: Int?
        public init(
            engineVersion: String, startedAt: Date, uptimeSeconds: Int, sipListen: [String], extensions: Int,
            registrations: Int, activeCalls: Int, maximumCalls: Int? = nil, overloaded: Bool? = nil,
            callsRefusedAtLimit: Int? = nil, callsRefusedOverloaded: Int? = nil, callsRefusedNoMediaPorts: Int? = nil,
            authenticationFailures: Int? = nil, bannedSources: Int? = nil, storeWritesPending: Int? = nil,
            storeFailingSeconds: Int? = nil, requestsRateLimited: Int? = nil, callsRefusedStoreBacklog: Int? = nil,
            rtpPortPairs: Int? = nil, rtpPortPairsInUse: Int? = nil, rtpSocketSetsParked: Int? = nil,
            sipDatagramsDropped: Int? = nil, eventSubscribers: Int? = nil, eventSubscribersDropped: Int? = nil,
            webhooks: [WebhookStatus]? = nil, trunks: Int? = nil, trunksRegistered: Int? = nil,
            trunksFailing: [String]? = nil, recordingKey: String? = nil, recordingsUnreadable: Int? = nil,
            recordingOff: Bool? = nil
        ) {
            self.recordingKey = recordingKey
            self.recordingsUnreadable = recordingsUnreadable
            self.recordingOff = recordingOff
            self.trunks = trunks
            self.trunksRegistered = trunksRegistered
            self.trunksFailing = trunksFailing
            self.sipDatagramsDropped = sipDatagramsDropped
            self.webhooks = webhooks
            self.eventSubscribers = eventSubscribers
            self.eventSubscribersDropped = eventSubscribersDropped
            self.engineVersion = engineVersion
            self.startedAt = startedAt
            self.uptimeSeconds = uptimeSeconds
            self.sipListen = sipListen
            self.extensions = extensions
            self.registrations = registrations
            self.activeCalls = activeCalls
            self.maximumCalls = maximumCalls
            self.overloaded = overloaded
            self.callsRefusedAtLimit = callsRefusedAtLimit
            self.callsRefusedOverloaded = callsRefusedOverloaded
            self.callsRefusedNoMediaPorts = callsRefusedNoMediaPorts
            self.authenticationFailures = authenticationFailures
            self.bannedSources = bannedSources
            self.storeWritesPending = storeWritesPending
            self.storeFailingSeconds = storeFailingSeconds
            self.requestsRateLimited = requestsRateLimited
            self.callsRefusedStoreBacklog = callsRefusedStoreBacklog
            self.rtpPortPairs = rtpPortPairs
            self.rtpPortPairsInUse = rtpPortPairsInUse
            self.rtpSocketSetsParked = rtpSocketSetsParked
        }
    }
}

/// A webhook's deliveries, for `engine.status`.
public struct WebhookStatus: Codable, Sendable, Hashable {
    /// Its URL without user, password or query (which may hold a secret).
    public var url: String
    /// Events the receiver took (2xx) and events that failed (no answer in time, not 2xx).
    public var delivered: Int
    public var failed: Int
    /// Requests sent again after a failure of a receiver that had been answering (a blip).
    public var retried: Int?

    public init(url: String, delivered: Int, failed: Int, retried: Int? = nil) {
        self.url = url
        self.delivered = delivered
        self.failed = failed
        self.retried = retried
    }
}

/// `system.listMethods`: the catalog as the engine serves it. Answered by the router
/// itself, so every engine has it.
public enum SystemListMethods: RPCMethod {
    public static let name = "system.listMethods"
    public static let summary = "Every method with its summary and the roles allowed to call it."
    public static let allowedRoles: Set<Role> = .everyone
    public typealias Params = NoParams
    public typealias Result = [MethodInfo]

    public struct MethodInfo: Codable, Sendable, Hashable {
        public var name: String
        public var summary: String
        public var allowedRoles: [Role]
        /// Whether the caller's role may call it.
        public var allowed: Bool
        /// Whether this engine has a handler for it (false: answered with `unavailable`).
        public var implemented: Bool
        public init(name: String, summary: String, allowedRoles: [Role], allowed: Bool, implemented: Bool) {
            self.name = name
            self.summary = summary
            self.allowedRoles = allowedRoles
            self.allowed = allowed
            self.implemented = implemented
        }
    }
}

/// Result of methods that only acknowledge.
public struct Acknowledged: Codable, Sendable, Hashable {
    public var ok: Bool
    public init() { ok = true }
}
