/// What kind of endpoint an extension is.
public enum ExtensionKind: String, WireEnum {
    /// A desk IP phone or softphone.
    case desk
    /// A call-center agent position.
    case agent
    /// Rings the SIP devices and the person's mobile number through a trunk.
    case mobile
}

/// Whether an extension's phones are offered SRTP with the engine's key (SDES).
public enum SRTPOffer: String, WireEnum {
    case off, optional, mandatory
}

/// Language of prompts played to this extension.
public enum PromptLanguage: String, WireEnum {
    case hu, en
}

/// An extension as the control protocol shows it. Never carries the SIP password or
/// its hash.
public struct ExtensionInfo: Codable, Sendable, Hashable {
    public var number: String
    public var name: String
    public var kind: ExtensionKind
    /// E.164, e.g. `+36301234567`.
    public var mobileNumber: String?
    public var language: PromptLanguage
    /// Seconds before an unanswered call goes to the no-answer destination; nil: default.
    public var noAnswerTimeout: Int?
    /// A fixed contact URI for phones that do not register.
    public var staticContact: String?
    public var enabled: Bool
    /// Whether the extension has an enabled voicemail box (never its PIN).
    public var voicemail: Bool
    /// The box's longest message in seconds; nil without a box.
    public var voicemailMaxSeconds: Int?
    /// Where the box's new messages are emailed; nil: not emailed, or no box (since stop 61).
    public var voicemailEmail: String?
    /// May listen in on, whisper to and barge into calls.
    public var mayMonitor: Bool
    /// `*8` from this extension answers calls ringing others of the group.
    public var pickupGroup: String?
    /// Seconds between the engine's OPTIONS checks of the contacts; 0: not checked.
    public var qualifySeconds: Int
    /// Every answered call of the extension is recorded.
    public var recordCalls: Bool
    /// How far it may call out through a trunk.
    public var outboundClass: OutboundCallClass
    /// The number its calls out show (E.164); nil: the trunk's.
    public var callerID: String?
    /// Call forwarding: where its calls go always, on busy, on no answer (or no phone); nil: none.
    public var forwardAlways: String?
    public var forwardBusy: String?
    public var forwardNoAnswer: String?
    /// Calls out through a trunk withhold the number (CLIR).
    public var withholdNumber: Bool?
    /// A mobile extension's mobile must press 1 to take a call, so that its voicemail cannot.
    public var mobileConfirm: Bool?
    /// Whether its phones are offered SRTP with the engine's key: `off`, `optional`
    /// (`RTP/AVP` with a key), `mandatory` (`RTP/SAVP`); nil from engines before stop 54.
    public var srtp: SRTPOffer?
    /// Do not disturb: no call rings its phones (`*78`/`*79`, `extension.update`); nil from
    /// engines before stop 63.
    public var doNotDisturb: Bool?
    /// The contacts and their reachability; only in `extension.get` (nil in lists).
    public var contacts: [ContactStatusInfo]?
    /// What the contact checks know of the static contact (lists too); nil without a static
    /// contact or without checks.
    public var staticContactReachability: ContactReachability?

    public init(
        number: String, name: String, kind: ExtensionKind, mobileNumber: String? = nil,
        language: PromptLanguage = .hu, noAnswerTimeout: Int? = nil, staticContact: String? = nil,
        enabled: Bool = true, voicemail: Bool = false, voicemailMaxSeconds: Int? = nil,
        mayMonitor: Bool = false, pickupGroup: String? = nil, qualifySeconds: Int = 0, recordCalls: Bool = false,
        outboundClass: OutboundCallClass = .national, callerID: String? = nil, forwardAlways: String? = nil,
        forwardBusy: String? = nil, forwardNoAnswer: String? = nil, contacts: [ContactStatusInfo]? = nil
    ) {
        self.number = number
        self.name = name
        self.kind = kind
        self.mobileNumber = mobileNumber
        self.language = language
        self.noAnswerTimeout = noAnswerTimeout
        self.staticContact = staticContact
        self.enabled = enabled
        self.voicemail = voicemail
        self.voicemailMaxSeconds = voicemailMaxSeconds
        self.mayMonitor = mayMonitor
        self.pickupGroup = pickupGroup
        self.qualifySeconds = qualifySeconds
        self.recordCalls = recordCalls
        self.outboundClass = outboundClass
        self.callerID = callerID
        self.forwardAlways = forwardAlways
        self.forwardBusy = forwardBusy
        self.forwardNoAnswer = forwardNoAnswer
        self.contacts = contacts
    }

    // Written out so that answers of an engine older than voicemail still decode.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        number = try container.decode(String.self, forKey: .number)
        name = try container.decode(String.self, forKey: .name)
        kind = try container.decode(ExtensionKind.self, forKey: .kind)
        mobileNumber = try container.decodeIfPresent(String.self, forKey: .mobileNumber)
        language = try container.decode(PromptLanguage.self, forKey: .language)
        noAnswerTimeout = try container.decodeIfPresent(Int.self, forKey: .noAnswerTimeout)
        staticContact = try container.decodeIfPresent(String.self, forKey: .staticContact)
        enabled = try container.decode(Bool.self, forKey: .enabled)
        voicemail = try container.decodeIfPresent(Bool.self, forKey: .voicemail) ?? false
        voicemailMaxSeconds = try container.decodeIfPresent(Int.self, forKey: .voicemailMaxSeconds)
        voicemailEmail = try container.decodeIfPresent(String.self, forKey: .voicemailEmail)
        mayMonitor = try container.decodeIfPresent(Bool.self, forKey: .mayMonitor) ?? false
        pickupGroup = try container.decodeIfPresent(String.self, forKey: .pickupGroup)
        qualifySeconds = try container.decodeIfPresent(Int.self, forKey: .qualifySeconds) ?? 0
        recordCalls = try container.decodeIfPresent(Bool.self, forKey: .recordCalls) ?? false
        outboundClass = try container.decodeIfPresent(OutboundCallClass.self, forKey: .outboundClass) ?? .national
        callerID = try container.decodeIfPresent(String.self, forKey: .callerID)
        forwardAlways = try container.decodeIfPresent(String.self, forKey: .forwardAlways)
        forwardBusy = try container.decodeIfPresent(String.self, forKey: .forwardBusy)
        forwardNoAnswer = try container.decodeIfPresent(String.self, forKey: .forwardNoAnswer)
        withholdNumber = try container.decodeIfPresent(Bool.self, forKey: .withholdNumber)
        mobileConfirm = try container.decodeIfPresent(Bool.self, forKey: .mobileConfirm)
        srtp = try container.decodeIfPresent(SRTPOffer.self, forKey: .srtp)
        doNotDisturb = try container.decodeIfPresent(Bool.self, forKey: .doNotDisturb)
        contacts = try container.decodeIfPresent([ContactStatusInfo].self, forKey: .contacts)
        staticContactReachability = try container.decodeIfPresent(
            ContactReachability.self, forKey: .staticContactReachability)
    }
}

/// How far an extension may call out through a trunk; each class includes the ones before
/// it, and emergency numbers are always allowed.
public enum OutboundCallClass: String, WireEnum {
    /// Internal calls and emergency numbers only.
    case none
    /// Hungarian fixed and mobile numbers (the default).
    case national
    /// Also premium-rate numbers (06-90, 06-91).
    case premium
    /// Also other countries.
    case international
}
