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

    /// Opens (creating if needed) the log and finds where its chain ends: from the file's last
    /// line only (a busy exchange writes gigabytes of it over the years).
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw AuditLogError(description: "cannot open the audit log \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let last = Self.lastLine(of: fd)
        let seq = last.flatMap { try? Self.decoder.decode(Entry.self, from: Data($0.utf8)).seq } ?? 0
        self.state = Mutex(State(lastHash: last.map(Self.hash) ?? "", seq: seq))
    }

    /// The last non-empty line, read from the file's last 64 kB (an entry is far shorter).
    private static func lastLine(of fd: Int32) -> String? {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return nil }
        let length = Int(min(info.st_size, 1 << 16))
        var tail = [UInt8](repeating: 0, count: length)
        let read = tail.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, length, off_t(Int(info.st_size) - length)) }
        guard read == length else { return nil }
        return String(decoding: tail, as: UTF8.self).split(separator: "\n").last.map(String.init)
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
    /// breaks, if it does anywhere in the file. Reads the file line by line (never whole)
    /// and decodes only the entries it returns.
    public func read(limit: Int) throws -> (entries: [Entry], brokenAt: Int?) {
        guard let file = fopen(path, "r") else {
            throw AuditLogError(description: "cannot read the audit log \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        var previous = ""
        var brokenAt: Int?
        var number = 0
        var kept: [String] = []
        while getline(&buffer, &capacity, file) >= 0, let buffer {
            var line = String(cString: buffer)
            if line.hasSuffix("\n") { line.removeLast() }
            if line.isEmpty { continue }
            number += 1
            if brokenAt == nil, Self.previousHash(in: line) != previous { brokenAt = number }
            previous = Self.hash(line)
            kept.append(line)
            if kept.count > 2 * max(1, limit) { kept.removeFirst(kept.count - max(0, limit)) }
        }
        let entries = kept.suffix(max(0, limit)).compactMap { try? Self.decoder.decode(Entry.self, from: Data($0.utf8)) }
        return (entries, brokenAt)
    }

    /// The `prev` of an entry's line, without decoding the rest (the keys are written sorted
    /// and `prev` is a hex string, so it is found as written); nil for a line that has none.
    static func previousHash(in line: String) -> String? {
        guard let start = line.range(of: "\"prev\":\"") else { return nil }
        let rest = line[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    static func hash(_ line: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(line.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
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
