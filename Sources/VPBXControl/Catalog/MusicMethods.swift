/// `moh.show`: where the music on hold comes from.
public enum MusicShow: RPCMethod {
    public static let name = "moh.show"
    public static let summary = "Where the music on hold comes from (built-in or custom) and its length."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = MusicInfo
}

/// `moh.set`: the administrator's file replaces the built-in music on hold.
public enum MusicSet: RPCMethod {
    public static let name = "moh.set"
    public static let summary =
        "Replace the music on hold with a PCM 16-bit WAV (8, 16, 44.1 or 48 kHz, mono or stereo, up to 10 minutes)."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Result = MusicInfo

    public struct Params: Codable, Sendable, Hashable {
        /// The WAV file, base64.
        public var wav: String
        /// The file's name, for error messages.
        public var fileName: String?

        public init(wav: String, fileName: String? = nil) {
            self.wav = wav
            self.fileName = fileName
        }
    }
}

/// `moh.reset`: removes the administrator's file; the built-in music plays again.
public enum MusicReset: RPCMethod {
    public static let name = "moh.reset"
    public static let summary = "Remove the custom music on hold so that the built-in music plays again."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = NoParams
    public typealias Result = MusicInfo
}
