import VPBXSIP
import VPBXStore
import VPBXText

/// A SIP trunk as the core routes with it (the store's ``TrunkRecord``, parsed): where it is,
/// how it answers challenges, how it wants numbers, and where its calls go.
public struct Trunk: Sendable, Equatable {
    public var name: String
    /// A host name or an IP address; a name is resolved off the core's thread.
    public var host: String
    public var port: Int
    public var transport: SIPPeerAddress.Transport
    public var username: String?
    public var password: String?
    /// The E.164 number outgoing calls show; nil: the username.
    public var callerID: String?
    public var numberFormat: PublicNumber.Format
    /// Where calls from the trunk to a number without a route go; nil: refused.
    public var inbound: Destination?
    /// Whether outgoing calls use it, and in which order (lowest first).
    public var outbound: Bool
    public var priority: Int
    /// Whether the exchange registers its username at the provider.
    public var register: Bool
    /// Seconds between OPTIONS checks of the provider's server; 0: none.
    public var qualifySeconds: Int
    /// Whether a caller from outside sent out again is shown by their own number.
    public var passCallerID: Bool
    /// SRTP offered to the provider on calls out, with the engine's key (the media of the
    /// provider's leg is then terminated by the relay, as an SRTP phone's is).
    public var srtp: SRTPPolicy
    /// Whether its servers are the host's SRV records (RFC 3263 §4.2), ``port`` on the host's
    /// own address when it has none.
    public var srv: Bool

    public init(
        name: String, host: String, port: Int = 5060, transport: SIPPeerAddress.Transport = .udp,
        username: String? = nil, password: String? = nil, callerID: String? = nil,
        numberFormat: PublicNumber.Format = .e164, inbound: Destination? = nil, outbound: Bool = true,
        priority: Int = 1, register: Bool = false, qualifySeconds: Int = 0, passCallerID: Bool = false,
        srtp: SRTPPolicy = .off, srv: Bool = false
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

    /// The Contact URI parameter naming the trunk in its registration (its value: the
    /// trunk's name), by which a provider's calls to that Contact are told from another
    /// trunk's at the same address.
    static let lineParameter = "line"

    /// The provider's server as a URI (a Request-URI; `user` for a call): the port only when
    /// not the transport's default, and over TCP or TLS a `transport` parameter. TLS is named
    /// as `sip:...;transport=tls`, as providers list it, not as `sips:` (RFC 5630: `sips:`
    /// would ask for TLS on every hop up to the callee, which no telephone network gives).
    func serverURI(user: String? = nil) -> SIPURI {
        var uri = SIPURI(user: user, host: host, port: port == transport.defaultPort ? nil : port)
        if transport.isStream { uri.parameters.append(SIPParameter(name: "transport", value: transport.rawValue)) }
        return uri
    }

    /// The name of its servers' SRV records (RFC 3263 §4.1: `_sips._tcp` for TLS).
    var serviceName: String {
        switch transport {
        case .udp: "_sip._udp.\(host)"
        case .tcp: "_sip._tcp.\(host)"
        case .tls: "_sips._tcp.\(host)"
        }
    }

    /// The From user of calls sent through it: the number it shows.
    var shownNumber: String { callerID ?? username ?? "anonymous" }
}
