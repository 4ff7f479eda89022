import GRDB

/// What kind of user an extension serves; it selects defaults in routing and the console.
public enum ExtensionKind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// A desk phone or softphone at a fixed place.
    case desk
    /// A call-center agent who logs in and out of queues.
    case agent
    /// A person who also rings on their mobile number through a trunk.
    case mobile
}
