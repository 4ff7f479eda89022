import Foundation
import GRDB

/// One registered contact (binding) of an extension, as accepted by the registrar.
///
/// Bindings live in the database so that phones stay reachable across an engine restart
/// without having to re-register. An extension may have several bindings (desk phone and
/// softphone); the pair (extension, contact URI) is unique.
/// Dates are stored with millisecond precision.
public struct RegistrationRecord: Codable, Sendable, Equatable, Identifiable {
    /// Assigned by the store on first insert; nil before.
    public var id: Int64?
    /// The extension this binding belongs to; deleting the extension deletes its bindings.
    public var extensionNumber: String
    /// The Contact URI the phone registered.
    public var contactURI: String
    /// When the binding lapses unless refreshed.
    public var expiresAt: Date
    /// Call-ID and CSeq of the last REGISTER, to reject out-of-order refreshes (RFC 3261
    /// section 10.3 step 7).
    public var callID: String
    public var cseq: UInt32
    public var transport: RegistrationTransport
    /// Where the REGISTER came from (behind NAT this differs from the contact's host).
    public var sourceHost: String
    public var sourcePort: Int
    public var userAgent: String?
    /// The `+sip.instance` of the device (RFC 5626), when it sent one.
    public var instanceID: String?
    /// The `reg-id` of the device's flow (RFC 5626), when it sent one with its instance.
    public var registrationID: Int?
    /// The Path (RFC 3327) of the REGISTER, its values in order as one header value (joined
    /// by commas, RFC 3261 §7.3.1): the proxies requests to this contact go back through.
    /// Nil when it came directly.
    public var path: String?
    /// When the binding was first registered; kept across refreshes.
    public var registeredAt: Date

    /// Creates a binding record; `id` is assigned by the store.
    public init(
        id: Int64? = nil,
        extensionNumber: String,
        contactURI: String,
        expiresAt: Date,
        callID: String,
        cseq: UInt32,
        transport: RegistrationTransport,
        sourceHost: String,
        sourcePort: Int,
        userAgent: String? = nil,
        instanceID: String? = nil,
        registrationID: Int? = nil,
        path: String? = nil,
        registeredAt: Date
    ) {
        self.id = id
        self.extensionNumber = extensionNumber
        self.contactURI = contactURI
        self.expiresAt = expiresAt
        self.callID = callID
        self.cseq = cseq
        self.transport = transport
        self.sourceHost = sourceHost
        self.sourcePort = sourcePort
        self.userAgent = userAgent
        self.instanceID = instanceID
        self.registrationID = registrationID
        self.path = path
        self.registeredAt = registeredAt
    }

    /// Checks every field; throws ``StoreError`` of kind `invalidArgument`.
    public func validate() throws {
        try Validation.extensionNumber(extensionNumber)
        let object = "binding of extension \(extensionNumber)"
        try Validation.sipURI(contactURI, field: "contact of \(object)")
        try Validation.text(callID, field: "Call-ID of \(object)", maxLength: 256)
        try Validation.text(sourceHost, field: "source host of \(object)", maxLength: 256)
        try Validation.range(sourcePort, 1...65535, field: "source port of \(object)")
        if let userAgent {
            try Validation.text(
                userAgent, field: "User-Agent of \(object)", maxLength: 256, allowEmpty: true)
        }
        if let instanceID {
            try Validation.text(instanceID, field: "instance ID of \(object)", maxLength: 256)
        }
        if let path {
            try Validation.text(path, field: "Path of \(object)", maxLength: 4096)
        }
    }

    /// "binding sip:201@192.0.2.10 of extension 201", for messages.
    var objectName: String { "binding \(contactURI) of extension \(extensionNumber)" }

    enum CodingKeys: String, CodingKey {
        case id
        case extensionNumber = "extension_number"
        case contactURI = "contact_uri"
        case expiresAt = "expires_at"
        case callID = "call_id"
        case cseq
        case transport
        case sourceHost = "source_host"
        case sourcePort = "source_port"
        case userAgent = "user_agent"
        case instanceID = "instance_id"
        case registrationID = "reg_id"
        case path
        case registeredAt = "registered_at"
    }
}

// Mutable rather than plain PersistableRecord: inserting assigns the autoincremented id.
extension RegistrationRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "registrations"

    /// The columns the repositories query (GRDB requires the type to be public).
    public enum Columns {
        public static let extensionNumber = Column(CodingKeys.extensionNumber)
        public static let contactURI = Column(CodingKeys.contactURI)
        public static let expiresAt = Column(CodingKeys.expiresAt)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
