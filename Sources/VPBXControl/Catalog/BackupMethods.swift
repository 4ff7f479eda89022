import Foundation

/// `engine.backup`: a consistent copy of the database taken while calls go on
/// (docs/backup.md).
public enum EngineBackup: RPCMethod {
    public static let name = "engine.backup"
    public static let summary =
        "Write a consistent copy of the database to a new file (an absolute path on the engine's machine)."
    public static let allowedRoles: Set<Role> = .adminOnly

    public struct Params: Codable, Sendable, Hashable {
        /// Absolute: the engine runs in a directory of its own. Must not exist yet.
        public var path: String
        public init(path: String) { self.path = path }
    }

    /// What the copy holds, counted in the copy itself.
    public struct Result: Codable, Sendable, Hashable {
        public var path: String
        public var bytes: Int
        /// The copy's newest migration (`v29-outbound-route-options`).
        public var schema: String
        public var extensions: Int
        public var callRecords: Int
        public var voicemailMessages: Int
        public var recordings: Int
        /// Call records and registration changes not yet in the database when the copy was
        /// taken (the database refusing writes): 0 normally.
        public var writesPending: Int
        public var seconds: Double
        /// The engine's data directory: its `voicemail/`, `recordings/`, `prompts/` and `moh/`
        /// folders and `audit.log` hold what the copy's rows point to, copied separately.
        public var dataDirectory: String

        public init(
            path: String, bytes: Int, schema: String, extensions: Int, callRecords: Int, voicemailMessages: Int,
            recordings: Int, writesPending: Int, seconds: Double, dataDirectory: String
        ) {
            self.path = path
            self.bytes = bytes
            self.schema = schema
            self.extensions = extensions
            self.callRecords = callRecords
            self.voicemailMessages = voicemailMessages
            self.recordings = recordings
            self.writesPending = writesPending
            self.seconds = seconds
            self.dataDirectory = dataDirectory
        }
    }
}
