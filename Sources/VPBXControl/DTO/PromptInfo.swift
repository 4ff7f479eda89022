/// Where a prompt's audio comes from.
public enum PromptSourceKind: String, WireEnum {
    /// The administrator's recording (`vpbx prompt set`).
    case custom
    /// The generated default.
    case `default`
    /// Neither exists in this language (a call falls back to another language).
    case missing
}

/// One prompt in one language, as `prompt.list`, `prompt.set` and `prompt.reset` report it.
public struct PromptInfo: Codable, Sendable, Hashable {
    public var name: String
    /// `hu` or `en`.
    public var language: String
    public var source: PromptSourceKind
    /// Length as played (8 kHz); 0 when missing.
    public var durationMilliseconds: Int

    public init(name: String, language: String, source: PromptSourceKind, durationMilliseconds: Int) {
        self.name = name
        self.language = language
        self.source = source
        self.durationMilliseconds = durationMilliseconds
    }
}
