import Foundation

/// A partial update of an extension: nil fields are left unchanged.
///
/// The number cannot change (it is the key other tables refer to); delete and re-create
/// the extension instead.
public struct ExtensionPatch: Sendable, Equatable {
    /// The change to a field that may be empty: set a value, or clear it.
    public enum Nullable<Value: Sendable & Equatable>: Sendable, Equatable {
        case set(Value)
        case clear

        var value: Value? {
            switch self {
            case .set(let value): value
            case .clear: nil
            }
        }
    }

    public var displayName: String?
    public var ha1MD5: String?
    public var ha1SHA256: String?
    public var kind: ExtensionKind?
    public var mobileNumber: Nullable<String>?
    public var enabled: Bool?
    public var noAnswerTimeout: Int?
    public var language: ExtensionLanguage?
    public var staticContact: Nullable<String>?
    public var mayMonitor: Bool?
    public var pickupGroup: Nullable<String>?
    /// 0 switches the contact checks off.
    public var qualifySeconds: Int?
    public var recordCalls: Bool?
    public var outboundClass: OutboundClass?
    public var callerID: Nullable<String>?
    public var forwardAlways: Nullable<String>?
    public var forwardBusy: Nullable<String>?
    public var forwardNoAnswer: Nullable<String>?
    public var withholdNumber: Bool?
    public var mobileConfirm: Bool?
    public var srtp: SRTPPolicy?
    public var doNotDisturb: Bool?

    /// Creates a patch; pass only the fields to change.
    public init(
        displayName: String? = nil,
        ha1MD5: String? = nil,
        ha1SHA256: String? = nil,
        kind: ExtensionKind? = nil,
        mobileNumber: Nullable<String>? = nil,
        enabled: Bool? = nil,
        noAnswerTimeout: Int? = nil,
        language: ExtensionLanguage? = nil,
        staticContact: Nullable<String>? = nil,
        mayMonitor: Bool? = nil,
        pickupGroup: Nullable<String>? = nil,
        qualifySeconds: Int? = nil,
        recordCalls: Bool? = nil,
        outboundClass: OutboundClass? = nil,
        callerID: Nullable<String>? = nil,
        forwardAlways: Nullable<String>? = nil,
        forwardBusy: Nullable<String>? = nil,
        forwardNoAnswer: Nullable<String>? = nil,
        withholdNumber: Bool? = nil,
        mobileConfirm: Bool? = nil,
        srtp: SRTPPolicy? = nil,
        doNotDisturb: Bool? = nil
    ) {
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
    }

    /// True when the patch changes nothing.
    public var isEmpty: Bool { self == ExtensionPatch() }

    /// The record with this patch applied and `updatedAt` set, validated as a whole (a
    /// patch may be fine alone yet make the record invalid, e.g. kind `mobile` without a
    /// mobile number).
    func applied(to record: ExtensionRecord, at now: Date) throws -> ExtensionRecord {
        var result = record
        if let displayName { result.displayName = displayName }
        if let ha1MD5 { result.ha1MD5 = ha1MD5 }
        if let ha1SHA256 { result.ha1SHA256 = ha1SHA256 }
        if let kind { result.kind = kind }
        if let mobileNumber { result.mobileNumber = mobileNumber.value }
        if let enabled { result.enabled = enabled }
        if let noAnswerTimeout { result.noAnswerTimeout = noAnswerTimeout }
        if let language { result.language = language }
        if let staticContact { result.staticContact = staticContact.value }
        if let mayMonitor { result.mayMonitor = mayMonitor }
        if let pickupGroup { result.pickupGroup = pickupGroup.value }
        if let qualifySeconds { result.qualifySeconds = qualifySeconds }
        if let recordCalls { result.recordCalls = recordCalls }
        if let outboundClass { result.outboundClass = outboundClass }
        if let callerID { result.callerID = callerID.value }
        if let forwardAlways { result.forwardAlways = forwardAlways.value }
        if let forwardBusy { result.forwardBusy = forwardBusy.value }
        if let forwardNoAnswer { result.forwardNoAnswer = forwardNoAnswer.value }
        if let withholdNumber { result.withholdNumber = withholdNumber }
        if let mobileConfirm { result.mobileConfirm = mobileConfirm }
        if let srtp { result.srtp = srtp }
        if let doNotDisturb { result.doNotDisturb = doNotDisturb }
        try result.validate()
        result.updatedAt = now
        return result
    }
}
