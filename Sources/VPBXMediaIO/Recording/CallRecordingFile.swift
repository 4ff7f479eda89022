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
/// way, and the summary says what went wrong. After a crash ``recover(path:keys:)`` finishes a
/// `.part` file left behind.
///
/// Given a key, the audio is encrypted at rest instead (``SealedRecordingFormat``, a path
/// ending `.wav.enc`): sealed a second at a time as it comes, the last chunk marked at the
/// end; the summary's size and hash are then those of the WAV it decrypts to.
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
    private var sealer: RecordingSealer?
    private let keys: RecordingKeyring?
    private var failure: MediaFileError?
    private var finished = false
    /// The system's `write`; tests put a full disk in its place.
    let writeBytes: @Sendable (Int32, UnsafeRawPointer, Int) -> Int

    /// Creates the folder and the `.part` file with a provisional header.
    ///
    /// - Parameter completion: called once, on the file's queue, when the recording has been
    ///   finished on disk (after the sink's `finish()`).
    /// - Throws: ``MediaFileError`` if the folder or file cannot be made (nothing is left).
    /// - Parameter keys: encrypt with the current key of these (the path should end `.enc`);
    ///   nil: a plain WAV.
    public convenience init(
        path: String, sealingWith keys: RecordingKeyring? = nil, completion: @escaping @Sendable (CallRecordingSummary) -> Void
    ) throws(MediaFileError) {
        try self.init(path: path, sealingWith: keys, completion: completion, writeBytes: { write($0, $1, $2) })
    }

    init(
        path: String, sealingWith keys: RecordingKeyring? = nil, completion: @escaping @Sendable (CallRecordingSummary) -> Void,
        writeBytes: @escaping @Sendable (Int32, UnsafeRawPointer, Int) -> Int
    ) throws(MediaFileError) {
        self.path = path
        self.completion = completion
        self.writeBytes = writeBytes
        self.keys = keys
        let sealer = keys.map { RecordingSealer(key: $0.current, channels: 2) }
        self.sealer = sealer
        self.queue = Self.writers[Int(UInt(bitPattern: path.hashValue) % UInt(Self.writers.count))]
        try DurableFile.makeDirectory(DurableFile.parent(of: path))
        let partial = Self.partialPath(path)
        let fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw .system(errno, "cannot create the recording \(partial)") }
        self.fd = fd
        let header = sealer?.format.header ?? WAVWriter.header(channels: 2, dataBytes: 0)
        if let error = Self.writeAll(fd, header, what: partial, using: writeBytes) {
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
            do throws(MediaFileError) {
                let out = try self.sealer?.seal(bytes) ?? bytes
                if let error = Self.writeAll(self.fd, out, what: Self.partialPath(self.path), using: self.writeBytes) {
                    throw error
                }
                self.dataBytes += bytes.count
            } catch {
                self.failure = error
                self.cutBackToWholeUnits()
            }
        }
    }

    /// After a failed write part of a buffer may have reached the file: cut back to whole
    /// sample frames (plain) or whole chunks (sealed), which is what the file then holds.
    private func cutBackToWholeUnits() {
        let size = lseek(fd, 0, SEEK_END)
        guard size >= 0 else { return }
        if var sealer {
            let format = sealer.format
            let chunks = max(0, (Int(size) - SealedRecordingFormat.headerSize) / format.sealedChunkSize)
            dataBytes = chunks * format.chunkSize
            // The file offset stays where the failed write left it: back to the cut, or the
            // last chunk would land after a hole.
            _ = ftruncate(fd, off_t(format.offset(ofChunk: chunks)))
            _ = lseek(fd, off_t(format.offset(ofChunk: chunks)), SEEK_SET)
            sealer.restart(after: chunks)
            self.sealer = sealer
        } else {
            dataBytes = max(0, (Int(size) - WAVWriter.headerSize) / 4 * 4)
            _ = ftruncate(fd, off_t(WAVWriter.headerSize + dataBytes))
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
            if self.sealer != nil { self.writeLastChunk() }
            var summary = Self.seal(fd: self.fd, dataBytes: self.dataBytes, path: self.path, keys: self.keys)
            self.fd = -1
            if let failure = self.failure { summary.error = failure.description }
            if let reason { summary.error = reason }
            self.completion(summary)
        }
    }

    /// Seals what is waiting as the last chunk, so a reader tells the finished file from
    /// one cut short. After a failed write the file was cut back to whole chunks, and an
    /// empty last chunk (16 bytes, in the room the cut freed) finishes it.
    private func writeLastChunk() {
        guard var sealer else { return }
        do throws(MediaFileError) {
            let out = try sealer.sealLast()
            self.sealer = sealer
            if let error = Self.writeAll(fd, out, what: Self.partialPath(path), using: writeBytes) { throw error }
        } catch {
            failure = failure ?? error
            cutBackToWholeUnits()
        }
    }

    /// Gives a plain file its header's sizes, syncs, closes and renames the `.part` file;
    /// measures and hashes it (a sealed one as the WAV it decrypts to, which also proves
    /// that what was written can be read back).
    static func seal(fd: Int32, dataBytes: Int, path: String, keys: RecordingKeyring?) -> CallRecordingSummary {
        let partial = partialPath(path)
        let sealed = isSealed(path)
        var error: MediaFileError?
        if !sealed {
            let header = WAVWriter.header(channels: 2, dataBytes: dataBytes)
            let written = header.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, 0) }
            if written != header.count { error = .system(errno, "cannot finish the header of \(partial)") }
        }
        if fsync(fd) != 0, error == nil { error = .system(errno, "cannot flush \(partial) to disk") }
        close(fd)
        if rename(partial, path) != 0 {
            let failure = MediaFileError.system(errno, "cannot move \(partial) into place")
            return CallRecordingSummary(path: partial, bytes: WAVWriter.headerSize + dataBytes,
                durationMilliseconds: dataBytes / 32, sha256: nil, error: failure.description)
        }
        do { try DurableFile.syncDirectory(DurableFile.parent(of: path)) } catch let failure { error = error ?? failure }
        var digest: String?
        do throws(MediaFileError) {
            if sealed, let keys {
                digest = try SealedRecordingReader(path: path, keys: keys).sha256()
            } else {
                digest = try FileDigest.sha256(of: path)
            }
        } catch let failure {
            error = error ?? failure
        }
        return CallRecordingSummary(path: path, bytes: WAVWriter.headerSize + dataBytes,
            durationMilliseconds: dataBytes / 32, sha256: digest, error: error?.description)
    }

    /// True for a recording encrypted at rest (its path ends `.wav.enc`).
    public static func isSealed(_ path: String) -> Bool {
        path.hasSuffix(SealedRecordingReader.pathSuffix)
    }

    static func writeAll(
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
