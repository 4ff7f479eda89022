/// Params naming one extension.
public struct ExtensionRef: Codable, Sendable, Hashable {
    public var number: String
    public init(number: String) { self.number = number }
}

/// `extension.create`.
public enum ExtensionCreate: RPCMethod {
    public static let name = "extension.create"
    public static let summary = "Create an extension (number, name, SIP password, kind, language...)."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Result = ExtensionInfo

    public struct Params: Codable, Sendable, Hashable {
        public var number: String
        public var name: String
        public var password: String
        /// Default `desk`.
        public var kind: ExtensionKind?
        /// E.164 or Hungarian national form; required for `mobile`.
        public var mobileNumber: String?
        /// Default `hu`.
        public var language: PromptLanguage?
        public var noAnswerTimeout: Int?
        public var staticContact: String?
        /// Default true.
        public var enabled: Bool?
        /// Give the extension a voicemail box (default false); needs `voicemailPin`.
        public var voicemail: Bool?
        /// 4 to 10 digits; stored only as a salted hash.
        public var voicemailPin: String?
        /// Longest message in seconds, 10 to 600 (default 180).
        public var voicemailMaxSeconds: Int?
        /// May listen in on, whisper to and barge into calls (default false).
        public var mayMonitor: Bool?
        /// Pickup group name (`*8` answers calls ringing the group).
        public var pickupGroup: String?
        /// Seconds between OPTIONS checks of the contacts, 5 to 3600; 0 or absent: none.
        public var qualifySeconds: Int?
        /// Record every answered call of the extension.
        public var recordCalls: Bool?
        /// How far it may call out through a trunk (default national).
        public var outboundClass: OutboundCallClass?
        /// The number its calls out show (a DID, Hungarian or E.164 form); absent: the trunk's.
        public var callerID: String?
        /// Call forwarding: where its calls go instead (always), when its phones are busy, and
        /// when it does not answer or has no phone; an extension, a route number or a public
        /// number (Hungarian or E.164 form) within its outbound class.
        public var forwardAlways: String?
        public var forwardBusy: String?
        public var forwardNoAnswer: String?
        /// Calls out through a trunk withhold the number (CLIR; default false).
        public var withholdNumber: Bool?
        /// A mobile extension's mobile must press 1 to take a call (default false).
        public var mobileConfirm: Bool?
        /// SRTP offered to its phones with the engine's key (default off).
        public var srtp: SRTPOffer?
        /// Do not disturb from the start (default off).
        public var doNotDisturb: Bool?
        /// Where the box's new messages are emailed, the audio attached (since stop 61); ""
        /// in `extension.update` stops it.
        public var voicemailEmail: String?

        public init(
            number: String, name: String, password: String, kind: ExtensionKind? = nil, mobileNumber: String? = nil,
            language: PromptLanguage? = nil, noAnswerTimeout: Int? = nil, staticContact: String? = nil,
            enabled: Bool? = nil, voicemail: Bool? = nil, voicemailPin: String? = nil, voicemailMaxSeconds: Int? = nil,
            mayMonitor: Bool? = nil, pickupGroup: String? = nil, qualifySeconds: Int? = nil, recordCalls: Bool? = nil,
            outboundClass: OutboundCallClass? = nil, callerID: String? = nil, forwardAlways: String? = nil,
            forwardBusy: String? = nil, forwardNoAnswer: String? = nil, withholdNumber: Bool? = nil,
            mobileConfirm: Bool? = nil, srtp: SRTPOffer? = nil, voicemailEmail: String? = nil,
            doNotDisturb: Bool? = nil
        ) {
            self.number = number
            self.name = name
            self.password = password
            self.kind = kind
            self.mobileNumber = mobileNumber
            self.language = language
            self.noAnswerTimeout = noAnswerTimeout
            self.staticContact = staticContact
            self.enabled = enabled
            self.voicemail = voicemail
            self.voicemailPin = voicemailPin
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
            self.withholdNumber = withholdNumber
            self.mobileConfirm = mobileConfirm
            self.srtp = srtp
            self.doNotDisturb = doNotDisturb
            self.voicemailEmail = voicemailEmail
        }
    }
}

/// `extension.list`.
public enum ExtensionList: RPCMethod {
    public static let name = "extension.list"
    public static let summary = "All extensions, ordered by number."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = [ExtensionInfo]
}

/// `extension.get`.
public enum ExtensionGet: RPCMethod {
    public static let name = "extension.get"
    public static let summary = "One extension by number, with its contacts and what the contact checks know of them."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = ExtensionRef
    public typealias Result = ExtensionInfo
}

/// `extension.update`: absent fields stay as they are; an empty string clears
/// `mobileNumber` or `staticContact`, and `noAnswerTimeout` 0 restores the default.
public enum ExtensionUpdate: RPCMethod {
    public static let name = "extension.update"
    public static let summary =
        "Change fields of an extension; absent fields are kept, \"\" clears optional text fields."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Result = ExtensionInfo

    public struct Params: Codable, Sendable, Hashable {
        public var number: String
        public var name: String?
        public var password: String?
        public var kind: ExtensionKind?
        public var mobileNumber: String?
        public var language: PromptLanguage?
        public var noAnswerTimeout: Int?
        public var staticContact: String?
        public var enabled: Bool?
        /// Switch the voicemail box on (a new box needs `voicemailPin`) or off (its messages
        /// are kept).
        public var voicemail: Bool?
        /// A new PIN, 4 to 10 digits.
        public var voicemailPin: String?
        /// Longest message in seconds, 10 to 600.
        public var voicemailMaxSeconds: Int?
        /// Grant or withdraw listen, whisper and barge.
        public var mayMonitor: Bool?
        /// Pickup group name; "" removes the extension from its group.
        public var pickupGroup: String?
        /// Seconds between OPTIONS checks of the contacts, 5 to 3600; 0 switches them off.
        public var qualifySeconds: Int?
        /// Record every answered call of the extension.
        public var recordCalls: Bool?
        /// How far it may call out through a trunk.
        public var outboundClass: OutboundCallClass?
        /// The number its calls out show; "" goes back to the trunk's.
        public var callerID: String?
        /// Call forwarding targets (as in `extension.create`); "" switches one off.
        public var forwardAlways: String?
        public var forwardBusy: String?
        public var forwardNoAnswer: String?
        /// Calls out through a trunk withhold the number (CLIR).
        public var withholdNumber: Bool?
        /// A mobile extension's mobile must press 1 to take a call.
        public var mobileConfirm: Bool?
        /// SRTP offered to its phones with the engine's key.
        public var srtp: SRTPOffer?
        /// Do not disturb: no call rings its phones (as `*78`; false as `*79`).
        public var doNotDisturb: Bool?
        /// Where the box's new messages are emailed, the audio attached (since stop 61); ""
        /// in `extension.update` stops it.
        public var voicemailEmail: String?

        public init(
            number: String, name: String? = nil, password: String? = nil, kind: ExtensionKind? = nil,
            mobileNumber: String? = nil, language: PromptLanguage? = nil, noAnswerTimeout: Int? = nil,
            staticContact: String? = nil, enabled: Bool? = nil, voicemail: Bool? = nil, voicemailPin: String? = nil,
            voicemailMaxSeconds: Int? = nil, mayMonitor: Bool? = nil, pickupGroup: String? = nil,
            qualifySeconds: Int? = nil, recordCalls: Bool? = nil, outboundClass: OutboundCallClass? = nil,
            callerID: String? = nil, forwardAlways: String? = nil, forwardBusy: String? = nil,
            forwardNoAnswer: String? = nil, withholdNumber: Bool? = nil, mobileConfirm: Bool? = nil,
            srtp: SRTPOffer? = nil, voicemailEmail: String? = nil,
            doNotDisturb: Bool? = nil
        ) {
            self.number = number
            self.name = name
            self.password = password
            self.kind = kind
            self.mobileNumber = mobileNumber
            self.language = language
            self.noAnswerTimeout = noAnswerTimeout
            self.staticContact = staticContact
            self.enabled = enabled
            self.voicemail = voicemail
            self.voicemailPin = voicemailPin
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
            self.withholdNumber = withholdNumber
            self.mobileConfirm = mobileConfirm
            self.srtp = srtp
            self.doNotDisturb = doNotDisturb
            self.voicemailEmail = voicemailEmail
        }
    }
}

/// `extension.check`: sends OPTIONS to every contact of the extension now and answers, once
/// each was answered or timed out (3 s), with the extension and its contacts' state.
public enum ExtensionCheck: RPCMethod {
    public static let name = "extension.check"
    public static let summary = "Check an extension's contacts with OPTIONS now; answers with their reachability."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = ExtensionRef
    public typealias Result = ExtensionInfo
}

/// `extension.delete`: returns the extension as it was.
public enum ExtensionDelete: RPCMethod {
    public static let name = "extension.delete"
    public static let summary = "Delete an extension; its registrations are dropped."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = ExtensionRef
    public typealias Result = ExtensionInfo
}
