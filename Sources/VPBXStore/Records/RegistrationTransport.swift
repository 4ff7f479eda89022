import GRDB

/// The SIP transport a binding was registered over; requests to the contact must use it.
public enum RegistrationTransport: String, Codable, Sendable, CaseIterable,
    DatabaseValueConvertible
{
    case udp
    case tcp
    case tls
}
