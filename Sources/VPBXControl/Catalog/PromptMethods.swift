/// `prompt.list`.
public enum PromptList: RPCMethod {
    public static let name = "prompt.list"
    public static let summary = "The prompts per language: where each comes from (custom or default) and its length."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Result = [PromptInfo]

    public struct Params: Codable, Sendable, Hashable {
        /// `hu` or `en`; absent: both.
        public var language: String?
        public init(language: String? = nil) { self.language = language }
    }
}

/// `prompt.set`: the administrator's recording replaces a prompt (or adds a new name).
public enum PromptSet: RPCMethod {
    public static let name = "prompt.set"
    public static let summary =
        "Replace a prompt with a PCM 16-bit WAV (8, 16, 44.1 or 48 kHz, mono or stereo), converted to 8 kHz mono."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Result = PromptInfo

    public struct Params: Codable, Sendable, Hashable {
        public var name: String
        public var language: String
        /// The WAV file, base64.
        public var wav: String
        /// The file's name, for error messages.
        public var fileName: String?

        public init(name: String, language: String, wav: String, fileName: String? = nil) {
            self.name = name
            self.language = language
            self.wav = wav
            self.fileName = fileName
        }
    }
}

/// Params naming one prompt in one language.
public struct PromptRef: Codable, Sendable, Hashable {
    public var name: String
    public var language: String
    public init(name: String, language: String) {
        self.name = name
        self.language = language
    }
}

/// `prompt.reset`: removes the administrator's recording; the default plays again.
public enum PromptReset: RPCMethod {
    public static let name = "prompt.reset"
    public static let summary = "Remove a custom prompt recording so that the default plays again."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = PromptRef
    public typealias Result = PromptInfo
}
