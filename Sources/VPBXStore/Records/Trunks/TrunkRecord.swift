import GRDB

/// A SIP trunk: the provider (or gateway) through which calls reach and come from the public
/// network. Calls from its address are taken without a challenge and routed by the number
/// they were sent to; calls the exchange sends it are answered for with its credentials.
public struct TrunkRecord: Codable, Sendable, Equatable, Identifiable {
    /// `telekom`, `backup`: an object name.
    public var name: String
    /// The provider's SIP server: a host name or an IP address.
    public var host: String
    public var port: Int
    /// `udp`, `tcp` or `tls`.
    public var transport: String
    /// The account name the provider's challenges are answered with (and registered as);
    /// nil for a trunk that authenticates by address only.
    public var username: String?
    /// Kept readable, not hashed as extension passwords are: a digest answer is computed from
    /// it and the realm the provider names in its challenge, which is not known beforehand.
    /// The database file is the engine's own (docs/trunks.md).
    public var password: String?
    /// The number calls through the trunk show (E.164), the From of outgoing calls; nil: the
    /// username's.
    public var callerID: String?
    /// How the provider wants dialled numbers: `e164`, `digits` or `national`.
    public var numberFormat: String
    /// Where calls from the trunk to a number without a route go (`ivr:main`); nil: refused
    /// with 404.
    public var inboundDestination: String?
    /// Whether outgoing calls may use this trunk; among several, the lowest `priority` is
    /// tried first and the next one when it fails.
    public var outbound: Bool
    public var priority: Int
    /// Whether the exchange registers to the provider (most providers want it, gateways do not).
    public var register: Bool
    /// Seconds between OPTIONS checks of the provider's server (10 to 3600); 0: none.
    public var qualifySeconds: Int
    /// Whether a caller from outside whom the exchange sends out again through this trunk
    /// (forwarded, ringing a mobile extension) is shown by their own number (FreePBX's
    /// "Allow Any CID"); off: by the extension's or the trunk's number ("Block Foreign CIDs").
    public var passCallerID: Bool
    /// Whether calls out through the trunk offer the provider SRTP with the engine's key
    /// (the media of calls from it is terminated whenever the provider offers keys).
    public var srtp: SRTPPolicy
    /// Whether the server is found by the host's SRV records (RFC 3263: `_sip._udp.HOST`,
    /// `_sip._tcp.`, `_sips._tcp.` over TLS), tried in their order, with `port` on the host's
    /// own address when it has none; off: the host at `port`. A host given without a port.
    public var srv: Bool

    public var id: String { name }

    public static let transports = ["udp", "tcp", "tls"]
    public static let numberFormats = ["e164", "digits", "national"]

    public init(
        name: String, host: String, port: Int = 5060, transport: String = "udp", username: String? = nil,
        password: String? = nil, callerID: String? = nil, numberFormat: String = "e164",
        inboundDestination: String? = nil, outbound: Bool = true, priority: Int = 1, register: Bool = false,
        qualifySeconds: Int = 0, passCallerID: Bool = false, srtp: SRTPPolicy = .off,
        srv: Bool = false
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
        self.inboundDestination = inboundDestination
        self.outbound = outbound
        self.priority = priority
        self.register = register
    }

    public func validate() throws {
        try Validation.objectName(name, field: "trunk name")
        try Validation.hostName(host, field: "host of trunk \(name)")
        try Validation.range(port, 1...65535, field: "port of trunk \(name)")
        guard Self.transports.contains(transport) else {
            throw StoreError.invalid("transport '\(transport)' of trunk \(name) is invalid: expected udp, tcp or tls")
        }
        guard Self.numberFormats.contains(numberFormat) else {
            throw StoreError.invalid(
                "number format '\(numberFormat)' of trunk \(name) is invalid: expected e164, digits or national")
        }
        if let username { try Validation.text(username, field: "username of trunk \(name)", maxLength: 64) }
        if let password { try Validation.text(password, field: "password of trunk \(name)", maxLength: 128) }
        if password != nil, username == nil {
            throw StoreError.invalid("trunk \(name) has a password but no username to answer challenges with")
        }
        if register, username == nil {
            throw StoreError.invalid("trunk \(name) cannot register without a username")
        }
        if let callerID { try Validation.e164(callerID, field: "caller ID of trunk \(name)") }
        if let inboundDestination {
            try Validation.text(inboundDestination, field: "inbound destination of trunk \(name)", maxLength: 100)
        }
        try Validation.range(priority, 1...99, field: "priority of trunk \(name)")
        if qualifySeconds != 0 {
            try Validation.range(qualifySeconds, 10...3600, field: "check interval of trunk \(name)", unit: " seconds")
        }
        if srv, Validation.isIPAddress(host) {
            throw StoreError.invalid("trunk \(name) cannot look up SRV records of an IP address (\(host)): give a host name")
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, host, port, transport, username, password
        case callerID = "caller_id"
        case numberFormat = "number_format"
        case inboundDestination = "inbound_destination"
        case outbound, priority, register
        case qualifySeconds = "qualify_seconds"
        case passCallerID = "pass_caller_id"
        case srtp, srv
    }
}

extension TrunkRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "trunks"
}
