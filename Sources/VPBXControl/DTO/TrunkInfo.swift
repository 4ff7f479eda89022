import Foundation

/// A SIP trunk as `trunk.*` shows it. The password is never shown, only whether there is one.
public struct TrunkInfo: Codable, Sendable, Hashable {
    public var name: String
    public var host: String
    public var port: Int
    /// `udp`, `tcp` or `tls`.
    public var transport: String
    public var username: String?
    public var hasPassword: Bool
    /// The E.164 number outgoing calls show.
    public var callerID: String?
    /// `e164` (`+3612345678`), `digits` (`3612345678`) or `national` (`0612345678`).
    public var numberFormat: String
    /// Where calls from the trunk to a number without a route go.
    public var inbound: String?
    public var outbound: Bool
    public var priority: Int
    public var register: Bool
    /// With `register`: `registering`, `registered` or `failed`.
    public var registration: String?
    /// When the registration lapses unless refreshed (refreshed well before).
    public var registeredUntil: Date?
    /// Why the last registration failed; the next attempt follows within 30 s.
    public var registrationError: String?
    /// Seconds between OPTIONS checks of the provider's server; 0 or absent: none.
    public var qualifySeconds: Int?
    /// With checks: `unknown`, `reachable` or `unreachable`.
    public var reachability: String?
    /// The last check's round trip, when reachable.
    public var roundTripMs: Int?
    /// Whether callers from outside sent out again are shown by their own number.
    public var passCallerID: Bool?
    /// SRTP offered to the provider on calls out: `off`, `optional` or `mandatory`.
    public var srtp: SRTPOffer?
    /// Whether its servers are found by the host's SRV records (RFC 3263), `port` on the
    /// host's own address when it has none.
    public var srv: Bool?
    /// With `srv`, the name looked up: `_sip._udp.provider.hu` (`_sips._tcp.` over TLS).
    public var srvName: String?
    /// The servers calls go to now, in the order tried (`192.0.2.10:5060`): the SRV
    /// records' found, else the host's address; empty while its names have not resolved.
    public var servers: [String]?

    public init(
        name: String, host: String, port: Int, transport: String, username: String?, hasPassword: Bool,
        callerID: String?, numberFormat: String, inbound: String?, outbound: Bool, priority: Int, register: Bool,
        registration: String? = nil, registeredUntil: Date? = nil, registrationError: String? = nil
    ) {
        self.name = name
        self.host = host
        self.port = port
        self.transport = transport
        self.username = username
        self.hasPassword = hasPassword
        self.callerID = callerID
        self.numberFormat = numberFormat
        self.inbound = inbound
        self.outbound = outbound
        self.priority = priority
        self.register = register
        self.registration = registration
        self.registeredUntil = registeredUntil
        self.registrationError = registrationError
    }
}

/// Params of `trunk.create` and `trunk.update`: absent fields keep their value (on create,
/// their default); an empty string clears an optional one.
public struct TrunkParams: Codable, Sendable, Hashable {
    public var name: String
    public var host: String?
    public var port: Int?
    public var transport: String?
    public var username: String?
    public var password: String?
    public var callerID: String?
    public var numberFormat: String?
    public var inbound: String?
    public var outbound: Bool?
    public var priority: Int?
    public var register: Bool?
    /// Seconds between OPTIONS checks, 10 to 3600; 0 turns them off.
    public var qualifySeconds: Int?
    /// Show callers from outside sent out again (forwarded, to a mobile) by their own number.
    public var passCallerID: Bool?
    /// SRTP offered to the provider on calls out: `off`, `optional` or `mandatory`.
    public var srtp: SRTPOffer?
    /// Find the servers by the host's SRV records. Absent: on when a host name is given
    /// without a port, off when a port is given, else unchanged.
    public var srv: Bool?

    public init(
        name: String, host: String? = nil, port: Int? = nil, transport: String? = nil, username: String? = nil,
        password: String? = nil, callerID: String? = nil, numberFormat: String? = nil, inbound: String? = nil,
        outbound: Bool? = nil, priority: Int? = nil, register: Bool? = nil, qualifySeconds: Int? = nil,
        passCallerID: Bool? = nil, srtp: SRTPOffer? = nil, srv: Bool? = nil
    ) {
        self.srv = srv
        self.srtp = srtp
        self.qualifySeconds = qualifySeconds
        self.passCallerID = passCallerID
        self.name = name
        self.host = host
        self.port = port
        self.transport = transport
        self.username = username
        self.password = password
        self.callerID = callerID
        self.numberFormat = numberFormat
        self.inbound = inbound
        self.outbound = outbound
        self.priority = priority
        self.register = register
    }
}
