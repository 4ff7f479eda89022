import Foundation
import VPBXMedia
import VPBXText

/// The voicemail audio on disk, under the data directory:
/// `voicemail/<mailbox>/<id>.wav` for messages and `voicemail/<mailbox>/greeting-<kind>.wav`
/// for the owner's greetings, all 8 kHz mono PCM16 WAV. Every write is durable and atomic
/// (``DurableFile``): a file exists complete or not at all.
///
/// It lives here rather than in `VPBXStore` because it writes WAV through `VPBXMedia`, and
/// the store layer depends on GRDB alone (DESIGN.md's arrows); the message rows that point
/// at these files are the store's.
public struct VoicemailFiles: Sendable {
    /// Which greeting: played when the owner does not answer, or is busy.
    public enum Greeting: String, Sendable, CaseIterable {
        case unavailable, busy
    }

    /// A message file found on disk (see ``messageFiles()``).
    public struct Found: Sendable, Equatable {
        public var mailbox: String
        public var id: UUID
        /// Relative to the data directory.
        public var path: String
    }

    /// The data directory the relative paths start from.
    public let dataDirectory: URL
    /// `<data>/voicemail`.
    public var root: URL { dataDirectory.appendingPathComponent(Self.folder) }

    static let folder = "voicemail"

    public init(dataDirectory: String) {
        self.dataDirectory = URL(fileURLWithPath: dataDirectory)
    }

    /// `voicemail/<mailbox>/<id>.wav`: the path a message row stores.
    public static func messagePath(mailbox: String, id: UUID) -> String {
        "\(folder)/\(mailbox)/\(id.lowercaseText).wav"
    }

    /// The absolute location of a path relative to the data directory.
    public func url(_ relativePath: String) -> URL {
        dataDirectory.appendingPathComponent(relativePath)
    }

    /// Writes a message durably and returns its relative path. On failure nothing is left.
    @discardableResult
    public func writeMessage(mailbox: String, id: UUID, samples: [Int16]) throws(MediaFileError) -> String {
        let path = Self.messagePath(mailbox: mailbox, id: id)
        try write(samples, to: url(path))
        return path
    }

    /// The 8 kHz samples of a stored WAV (message or greeting).
    public func samples(_ relativePath: String) throws(MediaFileError) -> [Int16] {
        let file = url(relativePath)
        let bytes: [UInt8]
        do {
            bytes = try [UInt8](Data(contentsOf: file))
        } catch {
            throw MediaFileError("cannot read \(file.path): \(error.localizedDescription)")
        }
        do {
            return try WAVReader.read(bytes, name: file.path).telephoneAudio()
        } catch {
            throw MediaFileError("\(file.path) is not usable audio: \(error.message)")
        }
    }

    /// The raw bytes of a stored WAV, for export.
    public func bytes(_ relativePath: String) throws(MediaFileError) -> [UInt8] {
        let file = url(relativePath)
        do {
            return try [UInt8](Data(contentsOf: file))
        } catch {
            throw MediaFileError("cannot read \(file.path): \(error.localizedDescription)")
        }
    }

    /// Whether a stored file exists.
    public func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: url(relativePath).path)
    }

    /// Removes a file; a file already gone is not an error.
    public func remove(_ relativePath: String) throws(MediaFileError) {
        let file = url(relativePath)
        guard FileManager.default.fileExists(atPath: file.path) else { return }
        do {
            try FileManager.default.removeItem(at: file)
        } catch {
            throw MediaFileError("cannot remove \(file.path): \(error.localizedDescription)")
        }
    }

    /// Writes the owner's greeting durably, replacing the previous one.
    public func writeGreeting(mailbox: String, _ greeting: Greeting, samples: [Int16]) throws(MediaFileError) {
        try write(samples, to: url(Self.greetingPath(mailbox: mailbox, greeting)))
    }

    /// The owner's greeting, or nil when none was recorded (or it is unreadable).
    public func greeting(mailbox: String, _ greeting: Greeting) -> [Int16]? {
        let path = Self.greetingPath(mailbox: mailbox, greeting)
        guard exists(path) else { return nil }
        return try? samples(path)
    }

    public static func greetingPath(mailbox: String, _ greeting: Greeting) -> String {
        "\(folder)/\(mailbox)/greeting-\(greeting.rawValue).wav"
    }

    /// Removes a mailbox's folder with every message and greeting in it.
    public func removeMailbox(_ mailbox: String) throws(MediaFileError) {
        try remove("\(Self.folder)/\(mailbox)")
    }

    /// Every message file (`<uuid>.wav` in a mailbox folder), for recovery. Leftover
    /// temporary files of an interrupted write are deleted on the way: they were never
    /// complete, and no row can point at them.
    public func messageFiles() -> [Found] {
        let manager = FileManager.default
        let boxes = (try? manager.contentsOfDirectory(atPath: root.path)) ?? []
        var found: [Found] = []
        for mailbox in boxes.sorted() {
            let folder = root.appendingPathComponent(mailbox)
            for name in ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).sorted() {
                if name.hasPrefix("."), name.hasSuffix(".tmp") {
                    try? manager.removeItem(at: folder.appendingPathComponent(name))
                    continue
                }
                guard name.hasSuffix(".wav"), let id = UUID(uuidString: String(name.dropLast(4))) else { continue }
                found.append(Found(mailbox: mailbox, id: id, path: Self.messagePath(mailbox: mailbox, id: id)))
            }
        }
        return found
    }

    private func write(_ samples: [Int16], to file: URL) throws(MediaFileError) {
        try DurableFile.makeDirectory(file.deletingLastPathComponent().path)
        try DurableFile.write(WAVWriter.write(samples), to: file.path)
    }
}
