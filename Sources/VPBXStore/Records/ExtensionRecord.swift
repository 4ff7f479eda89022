import Foundation
import GRDB

/// An extension: a number people dial, with the credentials its phones register with.
///
/// The store never sees passwords: the caller computes the digest HA1 hashes
/// (`MD5(number:realm:password)` and its SHA-256 twin, RFC 7616) and stores those.
/// Dates are stored with millisecond precision.
public struct ExtensionRecord: Codable, Sendable, Equatable, Identifiable {
    /// The dialled number and primary key: 2–15 digits.
    public var number: String
    /// The name shown to callees and in the console.
    public var displayName: String
    /// Digest HA1 for MD5, 32 lowercase hex digits.
    public var ha1MD5: String
    /// Digest HA1 for SHA-256, 64 lowercase hex digits.
    public var ha1SHA256: String
    public var kind: ExtensionKind
    /// The user's mobile number in E.164; required for ``ExtensionKind/mobile``.
    public var mobileNumber: String?
    /// A disabled extension neither registers nor receives calls, but keeps its data.
    public var enabled: Bool
    /// Seconds to ring before the no-answer treatment (voicemail, mobile, ...); 5–600.
    public var noAnswerTimeout: Int
    /// The language of the prompts this extension's user hears.
    public var language: ExtensionLanguage
    /// A fixed SIP URI for devices that never register (door phones, gateways).
    public var staticContact: String?
    /// Whether this extension's user may listen in on, whisper to and barge into other
    /// extensions' calls (the listen/whisper/barge feature codes). Off by default: listening
    /// in is processing of personal data and must be granted on purpose.
    public var mayMonitor: Bool
    /// The pickup group: `*8` from this extension answers a call ringing another extension of
    /// the same group. Nil: in no group.
    public var pickupGroup: String?
    /// Seconds between the engine's OPTIONS checks of this extension's contacts (Asterisk's
    /// `qualify_frequency`); a contact that stops answering is not rung. 0: not checked.
    public var qualifySeconds: Int
    /// Whether every answered call this extension makes or takes is recorded (Asterisk's
    /// MixMonitor from the dial plan, FreePBX's "Force"). Off by default: recording is
    /// processing of personal data and must be decided on purpose.
    public var recordCalls: Bool
    /// How far the extension may call out through a trunk.
    public var outboundClass: OutboundClass
    /// The number (E.164, a DID of the exchange's) its calls out show; nil: the trunk's.
    public var callerID: String?
    /// Where its calls go instead of ringing it (Asterisk's `CFIM`, FreePBX's "Call Forward
    /// All"): a number as this extension would dial it (an extension, a route, a public
    /// number within its outbound class). Nil: no forwarding.
    public var forwardAlways: String?
    /// Where its calls go when its phones answer busy (`CFB`); before its voicemail.
    public var forwardBusy: String?
    /// Where its calls go when it does not answer within ``noAnswerTimeout``, or has no phone
    /// to ring (`CFNA` with "unavailable"); before its voicemail.
    public var forwardNoAnswer: String?
    /// Whether its calls out through a trunk withhold its number (CLIR): From anonymous, the
    /// number only in P-Asserted-Identity with `Privacy: id` (RFC 3325) for the provider.
    public var withholdNumber: Bool
    /// Whether its mobile (a mobile extension's number rung through a trunk) must press 1
    /// before it gets a call, as FreePBX's "Confirm Calls": otherwise the mobile network's
    /// voicemail, answering a mobile that is off or busy, takes the call from the exchange's.
    public var mobileConfirm: Bool
    /// Whether its phones are offered SRTP with the engine's key (``SRTPPolicy``).
    public var srtp: SRTPPolicy
    /// Do not disturb (`*78`/`*79`): no call rings its phones (nor its mobile); its callers
    /// are treated as when it has no phone (`PBXCore.ringTargets(of:now:)`).
    public var doNotDisturb: Bool
    /// Set by the repository on create.
    public var createdAt: Date
    /// Set by the repository on create and on every update.
    public var updatedAt: Date

    public var id: String { number }

    /// The default ring time before the no-answer treatment, in seconds.
    public static let defaultNoAnswerTimeout = 30
    /// The allowed ring times, in seconds.
    public static let noAnswerTimeoutRange = 5...600
    /// The allowed intervals of contact checks, in seconds (0 switches them off).
    public static let qualifyRange = 5...3600

    /// Creates an extension record; the timestamps are replaced by the repository on create.
    public init(
        number: String,
        displayName: String,
        ha1MD5: String,
        ha1SHA256: String,
        kind: ExtensionKind = .desk,
        mobileNumber: String? = nil,
        enabled: Bool = true,
        noAnswerTimeout: Int = ExtensionRecord.defaultNoAnswerTimeout,
        language: ExtensionLanguage = .hu,
        staticContact: String? = nil,
        mayMonitor: Bool = false,
        pickupGroup: String? = nil,
        qualifySeconds: Int = 0,
        recordCalls: Bool = false,
        outboundClass: OutboundClass = .national,
        callerID: String? = nil,
        forwardAlways: String? = nil,
        forwardBusy: String? = nil,
        forwardNoAnswer: String? = nil,
        withholdNumber: Bool = false,
        mobileConfirm: Bool = false,
        srtp: SRTPPolicy = .off,
        doNotDisturb: Bool = false,
        createdAt: Date = Date(timeIntervalSince1970: 0),
        updatedAt: Date = Date(timeIntervalSince1970: 0)
    ) {
        self.number = number
        self.displayName = displayName
        self.ha1MD5 = ha1MD5
        self.ha1SHA256 = ha1SHA256
        self.kind = kind
        self.mobileNumber = mobileNumber
        self.enabled = enabled
        self.noAnswerTimeout = noAnswerTimeout
        self.language = language
        self.staticContact = staticContact
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
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Checks every field; throws ``StoreError`` of kind `invalidArgument` naming the first
    /// bad one.
    public func validate() throws {
        try Validation.extensionNumber(number)
        let object = "extension \(number)"
        try Validation.text(displayName, field: "display name of \(object)", maxLength: 100)
        try Validation.lowercaseHex(ha1MD5, length: 32, field: "MD5 HA1 of \(object)")
        try Validation.lowercaseHex(ha1SHA256, length: 64, field: "SHA-256 HA1 of \(object)")
        if let callerID { try Validation.e164(callerID, field: "caller ID of \(object)") }
        for (target, condition) in [(forwardAlways, "always"), (forwardBusy, "on busy"), (forwardNoAnswer, "on no answer")] {
            guard let target else { continue }
            try Validation.dialledNumber(target, field: "forwarding target (\(condition)) of \(object)")
            if target == number {
                throw StoreError.invalid("\(object) cannot forward its calls (\(condition)) to itself")
            }
        }
        if let mobileNumber {
            try Validation.e164(mobileNumber, field: "mobile number of \(object)")
        } else if kind == .mobile {
            throw StoreError.invalid(
                "\(object) is a mobile extension but has no mobile number: give one in E.164")
        }
        try Validation.range(
            noAnswerTimeout, Self.noAnswerTimeoutRange, field: "no-answer timeout of \(object)",
            unit: "s")
        if let staticContact {
            try Validation.sipURI(staticContact, field: "static contact of \(object)")
        }
        if let pickupGroup {
            try Validation.name(pickupGroup, kind: "pickup group of \(object)")
        }
        if qualifySeconds != 0 {
            try Validation.range(
                qualifySeconds, Self.qualifyRange, field: "contact check interval of \(object) (0: off)", unit: "s")
        }
    }

    /// Shorter numbers first, then by text: 99, 100, 101, 1000 (the order of `list()`).
    public static func dialPlanOrder(_ a: String, _ b: String) -> Bool {
        if a.utf8.count != b.utf8.count { return a.utf8.count < b.utf8.count }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    enum CodingKeys: String, CodingKey {
        case number
        case displayName = "display_name"
        case ha1MD5 = "ha1_md5"
        case ha1SHA256 = "ha1_sha256"
        case kind
        case mobileNumber = "mobile_number"
        case enabled
        case noAnswerTimeout = "no_answer_timeout"
        case language
        case staticContact = "static_contact"
        case mayMonitor = "may_monitor"
        case pickupGroup = "pickup_group"
        case qualifySeconds = "qualify_seconds"
        case recordCalls = "record_calls"
        case outboundClass = "outbound_class"
        case callerID = "caller_id"
        case forwardAlways = "forward_always"
        case forwardBusy = "forward_busy"
        case forwardNoAnswer = "forward_no_answer"
        case withholdNumber = "withhold_number"
        case mobileConfirm = "mobile_confirm"
        case srtp
        case doNotDisturb = "do_not_disturb"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

extension ExtensionRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "extensions"

    /// The columns the repositories query (GRDB requires the type to be public).
    public enum Columns {
        public static let number = Column(CodingKeys.number)
    }
}
