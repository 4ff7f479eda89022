#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Crypto
import Foundation
import Synchronization

/// `<data>/audit.log` (DESIGN.md): who did what to personal data, one JSON object a line, for
/// recordings: started, finished, listed, exported, deleted by hand or by retention.
///
/// Append-only and tamper-evident: each entry carries the SHA-256 of the line before it
/// (`prev`), so removing or editing a line breaks the chain from there on, which ``read``
/// reports. Every entry is written with one `write` to a file opened `O_APPEND` and fsync'd
/// before the action it records is answered: audit entries are rare (not one per packet or
/// per call) and must not be lost.
public final class AuditLog: Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public var seq: Int
        public var at: Date
        /// `uid 1000 (supervisor)`, `engine`, `retention`.
        public var actor: String
        /// `recording.exported`, ...
        public var action: String
        /// `recording 5b0c…`.
        public var object: String
        public var detail: String?
        /// SHA-256 of the previous line, hex; empty for the first.
        public var prev: String
    }

    public let path: String
    private struct State {
        var lastHash: String
        var seq: Int
    }
    private let state: Mutex<State>

    /// Opens (creating if needed) the log and finds where its chain ends.
    public init(path: String) throws {
        self.path = path
        let lines = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n") ?? []
        let last = lines.last.map(String.init)
        let seq = last.flatMap { try? Self.decoder.decode(Entry.self, from: Data($0.utf8)).seq } ?? 0
        self.state = Mutex(State(lastHash: last.map(Self.hash) ?? "", seq: seq))
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw AuditLogError(description: "cannot open the audit log \(path): \(String(cString: strerror(errno)))") }
        close(fd)
    }

    /// Appends an entry and syncs it to disk.
    /// - Throws: ``AuditLogError`` when it could not be written: the caller must not go on
    ///   with an action it could not record.
    public func record(actor: String, action: String, object: String, detail: String? = nil, at date: Date = Date()) throws {
        try state.withLock { state in
            let entry = Entry(
                seq: state.seq + 1, at: date, actor: actor, action: action, object: object, detail: detail,
                prev: state.lastHash)
            let line = String(decoding: try Self.encoder.encode(entry), as: UTF8.self)
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
            guard fd >= 0 else { throw AuditLogError(description: "cannot open the audit log \(path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            let bytes = Array((line + "\n").utf8)
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            guard written == bytes.count, fsync(fd) == 0 else {
                throw AuditLogError(description: "cannot write the audit log \(path): \(String(cString: strerror(errno)))")
            }
            state.seq = entry.seq
            state.lastHash = Self.hash(line)
        }
    }

    /// The last `limit` entries (oldest first), and the line number where the chain first
    /// breaks, if it does anywhere in the file.
    public func read(limit: Int) throws -> (entries: [Entry], brokenAt: Int?) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        var previous = ""
        var brokenAt: Int?
        var entries: [Entry] = []
        for (index, line) in lines.enumerated() {
            let entry = try? Self.decoder.decode(Entry.self, from: Data(line.utf8))
            if brokenAt == nil, entry?.prev != previous { brokenAt = index + 1 }
            if let entry { entries.append(entry) }
            previous = Self.hash(line)
        }
        return (Array(entries.suffix(max(0, limit))), brokenAt)
    }

    static func hash(_ line: String) -> String {
        SHA256.hash(data: Array(line.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

public struct AuditLogError: Error, CustomStringConvertible {
    public var description: String
}
