import GRDB

/// The language of the prompts an extension's user hears (voicemail, IVR, announcements).
public enum ExtensionLanguage: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// Hungarian, the default.
    case hu
    /// English.
    case en
}
