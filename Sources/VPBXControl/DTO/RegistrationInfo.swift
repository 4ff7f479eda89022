import Foundation

/// One registered contact of an extension.
public struct RegistrationInfo: Codable, Sendable, Hashable {
    /// The extension number (`extension` is a Swift keyword, hence the backticks).
    public var `extension`: String
    /// The Contact URI the phone registered.
    public var contact: String
    /// `udp`, `tcp` or `tls`.
    public var transport: String
    /// Source address the REGISTER came from, `host:port`.
    public var source: String
    public var userAgent: String?
    public var expiresAt: Date
    /// Seconds left at the time of the answer.
    public var expiresIn: Int
    /// What the extension's contact checks (`qualifySeconds`) know of this contact; nil from
    /// an engine before them.
    public var reachability: ContactReachability?
    /// Round trip of the last answered check, in milliseconds.
    public var rttMs: Int?

    public init(
        extension: String, contact: String, transport: String, source: String, userAgent: String?,
        expiresAt: Date, expiresIn: Int, reachability: ContactReachability? = nil, rttMs: Int? = nil
    ) {
        self.extension = `extension`
        self.contact = contact
        self.transport = transport
        self.source = source
        self.userAgent = userAgent
        self.expiresAt = expiresAt
        self.expiresIn = expiresIn
        self.reachability = reachability
        self.rttMs = rttMs
    }
}
