/// Where the music on hold comes from.
public enum MusicSourceKind: String, WireEnum {
    /// The loop composed into the engine.
    case builtIn = "built-in"
    /// The administrator's file (`vpbx moh set`).
    case custom
}

/// The music on hold, as `moh.show`, `moh.set` and `moh.reset` report it.
public struct MusicInfo: Codable, Sendable, Hashable {
    public var source: MusicSourceKind
    /// Length of the loop as played (8 kHz).
    public var durationMilliseconds: Int
    /// The class (`default`, or a named class); absent from engines without classes.
    public var musicClass: String?

    public init(source: MusicSourceKind, durationMilliseconds: Int, musicClass: String? = nil) {
        self.source = source
        self.durationMilliseconds = durationMilliseconds
        self.musicClass = musicClass
    }
}
