import GRDB

/// How far an extension may call out through a trunk (its class of service, Asterisk's
/// outbound context): each class includes the ones before it. Emergency numbers are always
/// allowed, whatever the class.
public enum OutboundClass: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// Internal calls and emergency numbers only (a lobby phone, a door phone).
    case none
    /// Hungarian fixed and mobile numbers, toll-free included (the default).
    case national
    /// Also premium-rate numbers (06-90, 06-91).
    case premium
    /// Also other countries: where toll fraud costs most, so given on purpose.
    case international
}
