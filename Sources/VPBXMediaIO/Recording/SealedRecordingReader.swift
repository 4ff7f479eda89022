#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Crypto
import VPBXMedia

/// An encrypted recording (``SealedRecordingFormat``) opened for reading, seen as the WAV it
/// holds: the same bytes, header and all, that the plain recording of the same audio would
/// have, so an export, its size and its SHA-256 do not depend on how the file is kept.
///
/// Opening checks the header, finds the key that sealed it and authenticates the last chunk;
/// every chunk read is authenticated, so a damaged or altered file is an error, never
/// wrong audio.
public final class SealedRecordingReader {
    public let path: String
    /// Bytes of audio the file holds (the WAV's `data` chunk).
    public let audioBytes: Int
    /// False when the file was cut short: its last chunk is not marked as the last one.
    public let isFinished: Bool
    private let fd: Int32
    private let format: SealedRecordingFormat
    private let key: RecordingKey
    private let chunkCount: Int
    private let fileSize: Int

    /// The exported WAV's size.
    public var wavSize: Int { WAVWriter.headerSize + audioBytes }

    /// Files sealed at rest carry this ending after the WAV's.
    public static let pathSuffix = ".enc"

    public init(path: String, keys: RecordingKeyring) throws(MediaFileError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system(errno, "cannot open \(path)") }
        do throws(MediaFileError) {
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw .system(errno, "cannot read \(path)") }
            let format = try SealedRecordingFormat(
                header: try Self.read(fd, at: 0, count: SealedRecordingFormat.headerSize, path: path), path: path)
            guard let key = keys.key(fingerprint: format.fingerprint) else {
                throw Self.missingKey(format.fingerprint, path: path, keys: keys)
            }
            let body = Int(info.st_size) - SealedRecordingFormat.headerSize
            let count = (body + format.sealedChunkSize - 1) / format.sealedChunkSize
            var finished = false
            var audio = 0
            if count > 0 {
                let lastSize = body - (count - 1) * format.sealedChunkSize
                let last = try Self.read(fd, at: format.offset(ofChunk: count - 1), count: lastSize, path: path)
                if let plain = format.open(last[...], index: count - 1, last: true, key: key) {
                    finished = true
                    audio = (count - 1) * format.chunkSize + plain.count
                } else if lastSize == format.sealedChunkSize, format.open(last[...], index: count - 1, last: false, key: key) != nil {
                    audio = count * format.chunkSize
                } else {
                    throw MediaFileError(
                        "\(path): its chunk \(count - 1) does not decrypt with its key: the file was damaged or altered")
                }
            }
            self.fd = fd
            self.format = format
            self.key = key
            self.chunkCount = count
            self.fileSize = Int(info.st_size)
            self.audioBytes = audio
            self.isFinished = finished
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    /// Up to `length` bytes of the WAV from `offset` (fewer at its end, none past it).
    public func read(offset: Int, length: Int) throws(MediaFileError) -> [UInt8] {
        let end = min(wavSize, offset + length)
        guard offset < end else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(end - offset)
        var position = offset
        if position < WAVWriter.headerSize {
            let header = WAVWriter.header(channels: format.channels, dataBytes: audioBytes)
            out += header[position..<min(end, WAVWriter.headerSize)]
            position = WAVWriter.headerSize
        }
        while position < end {
            let audioOffset = position - WAVWriter.headerSize
            let index = audioOffset / format.chunkSize
            let plain = try chunk(index)
            let from = audioOffset - index * format.chunkSize
            let taken = min(plain.count - from, end - position)
            out += plain[from..<(from + taken)]
            position += taken
        }
        return out
    }

    /// SHA-256 of the whole WAV, lowercase hex: what the store keeps and an export is checked against.
    public func sha256() throws(MediaFileError) -> String {
        var hasher = SHA256()
        var offset = 0
        while offset < wavSize {
            let piece = try read(offset: offset, length: 1 << 20)
            hasher.update(data: piece)
            offset += piece.count
        }
        return RecordingKey.hex(Array(hasher.finalize()))
    }

    private func chunk(_ index: Int) throws(MediaFileError) -> [UInt8] {
        let last = index == chunkCount - 1
        let size = last ? fileSize - format.offset(ofChunk: index) : format.sealedChunkSize
        let sealed = try Self.read(fd, at: format.offset(ofChunk: index), count: size, path: path)
        guard let plain = format.open(sealed[...], index: index, last: last && isFinished, key: key) else {
            throw MediaFileError("\(path): its chunk \(index) does not decrypt with its key: the file was damaged or altered")
        }
        return plain
    }

    static func missingKey(_ fingerprint: [UInt8], path: String, keys: RecordingKeyring) -> MediaFileError {
        MediaFileError(
            "\(path) was encrypted with the recording key \(RecordingKey.hex(fingerprint)), which the engine was not "
                + "given (it has \(keys.all.map(\.fingerprintText).joined(separator: ", "))); add that key with another --recording-key")
    }

    static func read(_ fd: Int32, at offset: Int, count: Int, path: String) throws(MediaFileError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw .system(errno, "cannot read \(path)") }
            guard n > 0 else { throw MediaFileError("\(path) ends early: it was cut short") }
            done += n
        }
        return bytes
    }
}
