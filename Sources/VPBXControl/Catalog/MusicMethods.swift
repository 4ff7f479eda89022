/// Params naming a music-on-hold class; absent: the default class.
public struct MusicClassRef: Codable, Sendable, Hashable {
    public var musicClass: String?
    public init(musicClass: String? = nil) { self.musicClass = musicClass }
}

/// `moh.show`: where a class's music on hold comes from.
public enum MusicShow: RPCMethod {
    public static let name = "moh.show"
    public static let summary = "Where a music-on-hold class (default: the default class) comes from and its length."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = MusicClassRef
    public typealias Result = MusicInfo
}

/// `moh.list`: every music-on-hold class, the default first.
public enum MusicList: RPCMethod {
    public static let name = "moh.list"
    public static let summary = "Every music-on-hold class: the default (every hold) and the named ones queues choose."
    public static let allowedRoles: Set<Role> = .staff
    public typealias Params = NoParams
    public typealias Result = [MusicInfo]
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
        /// The class to replace or create; absent: the default class.
        public var musicClass: String?

        public init(wav: String, fileName: String? = nil, musicClass: String? = nil) {
            self.wav = wav
            self.fileName = fileName
            self.musicClass = musicClass
        }
    }
}

/// `moh.reset`: removes the administrator's file; the default class plays the built-in music
/// again, a named class is deleted.
public enum MusicReset: RPCMethod {
    public static let name = "moh.reset"
    public static let summary =
        "Remove a class's file: the default class plays the built-in music again, a named class is deleted."
    public static let allowedRoles: Set<Role> = .adminOnly
    public typealias Params = MusicClassRef
    public typealias Result = MusicInfo
}
