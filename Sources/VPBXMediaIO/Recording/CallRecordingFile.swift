#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Dispatch
import VPBXMedia
import VPBXNetwork

/// One call's recording on disk, written while the call runs: a two-channel 8 kHz 16-bit WAV
/// (the caller left, the callee right).
///
/// The samples go to `<path>.part` on a queue of the file's own (never the relay's loop); at
/// the end the header gets its sizes, the file is fsync'd and renamed to `<path>`, and the
/// folder fsync'd, so a finished recording survives a power cut. A write that fails (a full
/// disk) stops the writing but not the call: what was written is kept and finished the same
/// way, and the summary says what went wrong. After a crash ``recover(path:)`` finishes a
/// `.part` file left behind.
public final class CallRecordingFile: RelayRecordingSink, @unchecked Sendable {
    /// The relative path is the store's; this is where it lives on disk.
    public let path: String
    /// A few serial queues shared by all recordings (a queue of its own each made a thread
    /// each under load: 41 threads with 500 recorded calls); a file always uses the same one,
    /// so its writes stay in order.
    private static let writers = (0..<4).map { DispatchQueue(label: "vpbx.recording-files-\($0)") }
    private let queue: DispatchQueue
    private let completion: @Sendable (CallRecordingSummary) -> Void
    // Everything below belongs to `queue`.
    private var fd: Int32
    private var dataBytes = 0
    private var failure: MediaFileError?
    private var finished = false
    /// The system's `write`; tests put a full disk in its place.
    let writeBytes: @Sendable (Int32, UnsafeRawPointer, Int) -> Int

    /// Creates the folder and the `.part` file with a provisional header.
    ///
    /// - Parameter completion: called once, on the file's queue, when the recording has been
    ///   finished on disk (after the sink's `finish()`).
    /// - Throws: ``MediaFileError`` if the folder or file cannot be made (nothing is left).
    public convenience init(path: String, completion: @escaping @Sendable (CallRecordingSummary) -> Void)
        throws(MediaFileError)
    {
        try self.init(path: path, completion: completion, writeBytes: { write($0, $1, $2) })
    }

    init(
        path: String, completion: @escaping @Sendable (CallRecordingSummary) -> Void,
        writeBytes: @escaping @Sendable (Int32, UnsafeRawPointer, Int) -> Int
    ) throws(MediaFileError) {
        self.path = path
        self.completion = completion
        self.writeBytes = writeBytes
        self.queue = Self.writers[Int(UInt(bitPattern: path.hashValue) % UInt(Self.writers.count))]
        try DurableFile.makeDirectory(DurableFile.parent(of: path))
        let partial = Self.partialPath(path)
        let fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw .system(errno, "cannot create the recording \(partial)") }
        self.fd = fd
        if let error = Self.writeAll(fd, WAVWriter.header(channels: 2, dataBytes: 0), what: partial, using: writeBytes) {
            close(fd)
            unlink(partial)
            throw error
        }
    }

    public static func partialPath(_ path: String) -> String { path + ".part" }

    public func append(interleaved samples: [Int16]) {
        queue.async {
            guard !self.finished, self.failure == nil else { return }
            var bytes = [UInt8](repeating: 0, count: samples.count * 2)
            for (index, sample) in samples.enumerated() {
                let value = UInt16(bitPattern: sample)
                bytes[2 * index] = UInt8(truncatingIfNeeded: value)
                bytes[2 * index + 1] = UInt8(truncatingIfNeeded: value >> 8)
            }
            if let error = Self.writeAll(self.fd, bytes, what: Self.partialPath(self.path), using: self.writeBytes) {
                // Part of the buffer may have reached the file: cut back to whole frames.
                self.failure = error
                let size = lseek(self.fd, 0, SEEK_END)
                if size >= 0 {
                    self.dataBytes = max(0, (Int(size) - WAVWriter.headerSize) / 4 * 4)
                    _ = ftruncate(self.fd, off_t(WAVWriter.headerSize + self.dataBytes))
                }
            } else {
                self.dataBytes += bytes.count
            }
        }
    }

    public func finish() {
        finish(reason: nil)
    }

    /// Finishes the file as a failed recording: the recording could not start (the call's
    /// media went away first); the summary carries `reason`.
    public func abandon(_ reason: String) {
        finish(reason: reason)
    }

    private func finish(reason: String?) {
        queue.async {
            guard !self.finished else { return }
            self.finished = true
            let outcome = Self.seal(fd: self.fd, dataBytes: self.dataBytes, path: self.path)
            self.fd = -1
            var summary = outcome.summary
            if let failure = self.failure { summary.error = failure.description }
            if let reason { summary.error = reason }
            self.completion(summary)
        }
    }

    /// Finishes a recording a crash interrupted: `<path>.part` gets its header's sizes from
    /// its length and is moved into place; a `<path>` already there is only measured. Nil
    /// when neither exists.
    public static func recover(path: String) -> CallRecordingSummary? {
        let partial = partialPath(path)
        var info = stat()
        if stat(partial, &info) == 0 {
            let fd = open(partial, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else {
                return CallRecordingSummary(path: path, bytes: Int(info.st_size), durationMilliseconds: 0, sha256: nil,
                    error: MediaFileError.system(errno, "cannot open \(partial)").description)
            }
            let dataBytes = max(0, (Int(info.st_size) - WAVWriter.headerSize) / 4 * 4)
            _ = ftruncate(fd, off_t(WAVWriter.headerSize + dataBytes))
            return seal(fd: fd, dataBytes: dataBytes, path: path).summary
        }
        guard stat(path, &info) == 0 else { return nil }
        let dataBytes = max(0, (Int(info.st_size) - WAVWriter.headerSize) / 4 * 4)
        return CallRecordingSummary(
            path: path, bytes: Int(info.st_size), durationMilliseconds: dataBytes / 32, sha256: try? FileDigest.sha256(of: path),
            error: nil)
    }

    /// Rewrites the header, syncs, closes and renames the `.part` file; measures and hashes it.
    private static func seal(fd: Int32, dataBytes: Int, path: String) -> (summary: CallRecordingSummary, ok: Bool) {
        let partial = partialPath(path)
        var error: MediaFileError?
        let header = WAVWriter.header(channels: 2, dataBytes: dataBytes)
        let written = header.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, 0) }
        if written != header.count { error = .system(errno, "cannot finish the header of \(partial)") }
        if fsync(fd) != 0, error == nil { error = .system(errno, "cannot flush \(partial) to disk") }
        close(fd)
        if rename(partial, path) != 0 {
            let failure = MediaFileError.system(errno, "cannot move \(partial) into place")
            return (CallRecordingSummary(path: partial, bytes: WAVWriter.headerSize + dataBytes,
                durationMilliseconds: dataBytes / 32, sha256: nil, error: failure.description), false)
        }
        do { try DurableFile.syncDirectory(DurableFile.parent(of: path)) } catch let failure { error = error ?? failure }
        let digest = try? FileDigest.sha256(of: path)
        return (CallRecordingSummary(path: path, bytes: WAVWriter.headerSize + dataBytes,
            durationMilliseconds: dataBytes / 32, sha256: digest, error: error?.description), error == nil)
    }

    private static func writeAll(
        _ fd: Int32, _ bytes: [UInt8], what: String, using writeBytes: (Int32, UnsafeRawPointer, Int) -> Int
    ) -> MediaFileError? {
        var written = 0
        return bytes.withUnsafeBytes { buffer -> MediaFileError? in
            while written < buffer.count {
                let n = writeBytes(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return .system(errno, "cannot write \(what)")
                }
                written += n
            }
            return nil
        }
    }
}

/// A finished recording file, as the store keeps it.
public struct CallRecordingSummary: Sendable, Equatable {
    /// Where the file is (its `.part` name if it could not be moved into place).
    public var path: String
    public var bytes: Int
    /// Of the audio: two channels of 16-bit samples at 8 kHz are 32 bytes a millisecond.
    public var durationMilliseconds: Int
    /// SHA-256 of the whole file, lowercase hex: proof later that it was not altered.
    public var sha256: String?
    /// What went wrong, if anything (the audio before it is kept).
    public var error: String?
}
