import VPBXSignaling

/// What the PBX core needs to know about its surroundings. Built by the engine from its config
/// file and command line; tests build it directly with short timers.
public struct PBXConfiguration: Sendable {
    /// Digest realm for REGISTER and INVITE challenges.
    public var realm: String
    /// Host we put in Via, Contact and From of requests we originate (never 0.0.0.0).
    public var advertisedHost: String
    public var advertisedPort: Int
    /// The port the engine takes SIP over TLS on, named in its Via and Contact toward TLS
    /// peers; nil without TLS.
    public var advertisedTLSPort: Int?

    /// The port the engine's Via and Contact name toward a peer over `transport`.
    func advertisedPort(for transport: SIPPeerAddress.Transport) -> Int {
        transport == .tls ? advertisedTLSPort ?? advertisedPort : advertisedPort
    }
    /// Address written into anchored SDP: where phones send RTP.
    public var mediaAddress: String
    /// Sources accepted without a digest challenge (front proxies, gateways, load generators).
    public var trustedNetworks: [CIDR]
    public var minimumRegistrationExpiry: Int
    public var maximumRegistrationExpiry: Int
    public var defaultRegistrationExpiry: Int
    public var timings: TransactionTimings
    /// How often timers and registration expiry are checked while timers are due.
    public var tickInterval: Duration
    /// The longest the core's tick sleeps with no timer due (``CoreTicker``): binding expiry
    /// and the other housekeeping run on ticks, so they wait up to this long. Tests raise it
    /// to show that a new timer wakes a sleeping tick.
    public var idleTickLimit: Duration = .seconds(1)
    public var userAgent: String
    /// New calls beyond this many at once are refused with `503 Maximum Calls In Progress`;
    /// nil: no limit.
    public var maximumCalls: Int?
    /// New calls are refused with `503 Overloaded` while the core's input waits this long or
    /// longer before it is handled (``CallAdmission``); nil: never shed load.
    public var overloadQueueDelay: Duration?
    /// Failed authentications from one source within a minute that ban it for
    /// ``authBanDuration`` (``AuthFailureGuard``); 0: never ban.
    public var authFailureLimit: Int
    public var authBanDuration: Duration
    /// Sources never banned (still challenged, unlike ``trustedNetworks``).
    public var authBanExempt: [CIDR]
    /// Live contacts one extension may have registered at once; a REGISTER beyond it replaces
    /// the contacts that expire soonest (as Asterisk's `max_contacts` with `remove_existing`).
    public var maximumContactsPerExtension: Int
    /// New requests per second one untrusted source may send before the rest of that second
    /// is dropped (``SourceRateLimiter``); 0: no limit.
    public var sourceRateLimit: Int
    /// How long a contact check (OPTIONS, PBXCore+Qualify) waits for an answer before the
    /// contact counts as unreachable (Asterisk's `qualify_timeout` default).
    public var contactCheckTimeout: Duration = .seconds(3)
    /// How often a call still ringing repeats its last provisional response (180 or 183) to
    /// the caller: RFC 3261 §13.3.1.1 asks for one every minute, since a proxy in front may
    /// cancel a transaction after three minutes without a response.
    public var provisionalRefreshInterval: Duration = .seconds(60)
    /// How long a mobile asked to press 1 for its call has (PBXCore+MobileConfirm): longer
    /// than a user needs to hear the prompt and press, shorter than the greeting of a mobile
    /// network's voicemail, which thus never gets the call.
    public var mobileConfirmTimeout: Duration = .seconds(20)
    /// Store writes (CDRs, registrations) that may wait in memory while the database refuses
    /// them (a full disk) before new calls are refused with 503; nil: no bound. The writes
    /// already accepted are never dropped: the bound keeps them from growing until the
    /// process runs out of memory and loses them all.
    public var maximumPendingWrites: Int? = 100_000
    /// The parking lot's slots (1...count) and how long a call stays parked before the
    /// parker's phone rings with it (``ParkingLot``).
    public var parkingSlots = ParkingLot.defaultSlotCount
    public var parkingTimeoutSeconds = ParkingLot.defaultTimeoutSeconds

    public init(
        realm: String = "vpbx", advertisedHost: String = "127.0.0.1", advertisedPort: Int = 5060,
        mediaAddress: String = "127.0.0.1", trustedNetworks: [CIDR] = [],
        minimumRegistrationExpiry: Int = 60, maximumRegistrationExpiry: Int = 3600, defaultRegistrationExpiry: Int = 3600,
        timings: TransactionTimings = .rfc3261, tickInterval: Duration = .milliseconds(10), userAgent: String = "vpbx",
        maximumCalls: Int? = nil, overloadQueueDelay: Duration? = .milliseconds(300),
        authFailureLimit: Int = 10, authBanDuration: Duration = .seconds(900), authBanExempt: [CIDR] = [],
        maximumContactsPerExtension: Int = 10, sourceRateLimit: Int = 200
    ) {
        self.realm = realm
        self.advertisedHost = advertisedHost
        self.advertisedPort = advertisedPort
        self.mediaAddress = mediaAddress
        self.trustedNetworks = trustedNetworks
        self.minimumRegistrationExpiry = minimumRegistrationExpiry
        self.maximumRegistrationExpiry = maximumRegistrationExpiry
        self.defaultRegistrationExpiry = defaultRegistrationExpiry
        self.timings = timings
        self.tickInterval = tickInterval
        self.userAgent = userAgent
        self.maximumCalls = maximumCalls
        self.overloadQueueDelay = overloadQueueDelay
        self.authFailureLimit = authFailureLimit
        self.authBanDuration = authBanDuration
        self.authBanExempt = authBanExempt
        self.maximumContactsPerExtension = maximumContactsPerExtension
        self.sourceRateLimit = sourceRateLimit
    }

    var authFailurePolicy: AuthFailureGuard.Policy {
        AuthFailureGuard.Policy(
            limit: authFailureLimit, window: .seconds(60), banDuration: authBanDuration, exempt: authBanExempt)
    }
}
