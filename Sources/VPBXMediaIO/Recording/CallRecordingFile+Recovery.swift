#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import VPBXMedia

extension CallRecordingFile {
    /// Finishes a recording a crash interrupted: `<path>.part` is cut back to what is whole
    /// (sample frames, or sealed chunks), finished (a plain file's header gets its sizes, a
    /// sealed one its last chunk) and moved into place; a `<path>` already there is only
    /// measured. Nil when neither exists.
    ///
    /// - Parameter keys: the engine's recording keys; a sealed file cannot be finished or
    ///   measured without the one that sealed it (the summary then says so).
    public static func recover(path: String, keys: RecordingKeyring? = nil) -> CallRecordingSummary? {
        let partial = partialPath(path)
        var info = stat()
        if stat(partial, &info) == 0 {
            let fd = open(partial, O_RDWR | O_CLOEXEC)
            guard fd >= 0 else {
                return CallRecordingSummary(path: path, bytes: Int(info.st_size), durationMilliseconds: 0, sha256: nil,
                    error: MediaFileError.system(errno, "cannot open \(partial)").description)
            }
            let dataBytes: Int
            if isSealed(path) {
                do throws(MediaFileError) {
                    dataBytes = try finishSealed(fd: fd, size: Int(info.st_size), path: partial, keys: keys)
                } catch {
                    close(fd)
                    return CallRecordingSummary(path: partial, bytes: Int(info.st_size), durationMilliseconds: 0, sha256: nil,
                        error: error.description)
                }
            } else {
                dataBytes = max(0, (Int(info.st_size) - WAVWriter.headerSize) / 4 * 4)
                _ = ftruncate(fd, off_t(WAVWriter.headerSize + dataBytes))
            }
            return seal(fd: fd, dataBytes: dataBytes, path: path, keys: keys)
        }
        guard stat(path, &info) == 0 else { return nil }
        guard isSealed(path) else {
            let dataBytes = max(0, (Int(info.st_size) - WAVWriter.headerSize) / 4 * 4)
            return CallRecordingSummary(
                path: path, bytes: Int(info.st_size), durationMilliseconds: dataBytes / 32,
                sha256: try? FileDigest.sha256(of: path), error: nil)
        }
        do throws(MediaFileError) {
            let reader = try SealedRecordingReader(path: path, keys: try requireKeys(keys, for: path))
            return CallRecordingSummary(
                path: path, bytes: reader.wavSize, durationMilliseconds: reader.audioBytes / 32, sha256: try reader.sha256(),
                error: nil)
        } catch {
            return CallRecordingSummary(path: path, bytes: Int(info.st_size), durationMilliseconds: 0, sha256: nil,
                error: error.description)
        }
    }

    /// Makes a sealed `.part` file whole: a chunk torn by the crash is cut off and, unless
    /// the last chunk is marked as the last already (the crash came after it), an empty last
    /// chunk is appended. Returns the bytes of audio the file holds.
    private static func finishSealed(fd: Int32, size: Int, path: String, keys: RecordingKeyring?) throws(MediaFileError) -> Int {
        let keys = try requireKeys(keys, for: path)
        guard size >= SealedRecordingFormat.headerSize else {
            throw MediaFileError("\(path): the engine stopped before its header reached the disk; nothing to recover")
        }
        let format = try SealedRecordingFormat(
            header: try SealedRecordingReader.read(fd, at: 0, count: SealedRecordingFormat.headerSize, path: path), path: path)
        guard let key = keys.key(fingerprint: format.fingerprint) else {
            throw SealedRecordingReader.missingKey(format.fingerprint, path: path, keys: keys)
        }
        let body = size - SealedRecordingFormat.headerSize
        var chunks = body / format.sealedChunkSize
        let tail = body % format.sealedChunkSize
        if tail > 0 {
            let bytes = try SealedRecordingReader.read(fd, at: format.offset(ofChunk: chunks), count: tail, path: path)
            if let last = format.open(bytes[...], index: chunks, last: true, key: key) {
                return chunks * format.chunkSize + last.count
            }
        } else if chunks > 0 {
            let bytes = try SealedRecordingReader.read(
                fd, at: format.offset(ofChunk: chunks - 1), count: format.sealedChunkSize, path: path)
            if format.open(bytes[...], index: chunks - 1, last: true, key: key) != nil { return chunks * format.chunkSize }
            if format.open(bytes[...], index: chunks - 1, last: false, key: key) == nil { chunks -= 1 }
        }
        guard ftruncate(fd, off_t(format.offset(ofChunk: chunks))) == 0 else {
            throw .system(errno, "cannot cut \(path) back to its whole chunks")
        }
        let last = try format.seal([], index: chunks, last: true, key: key)
        let written = last.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, off_t(format.offset(ofChunk: chunks))) }
        guard written == last.count else { throw .system(errno, "cannot finish \(path)") }
        return chunks * format.chunkSize
    }

    private static func requireKeys(_ keys: RecordingKeyring?, for path: String) throws(MediaFileError) -> RecordingKeyring {
        guard let keys else {
            throw MediaFileError("\(path) is encrypted and the engine was given no recording key (--recording-key)")
        }
        return keys
    }
}
