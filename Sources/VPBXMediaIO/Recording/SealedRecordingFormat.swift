import Crypto

/// The layout of a call recording encrypted at rest (`<call-id>.wav.enc`, docs/recording.md):
///
///     header, 32 bytes:  "VPBXREC1" | key fingerprint (8) | nonce prefix (7, random)
///                        | channels (1) | chunk size (4, big-endian) | sample rate (4, big-endian)
///     chunk 0, 1, ...:   AES-256-GCM of `chunkSize` bytes of PCM (the last one shorter,
///                        possibly empty), then its 16-byte tag
///
/// The PCM is what the plain recording's `data` chunk holds; the WAV header is made again
/// when the file is read, since its sizes are known only at the end and a sealed chunk
/// cannot be rewritten. Each chunk's nonce is the prefix, the chunk's index (4 bytes,
/// big-endian) and a byte that is 1 for the last chunk only: the STREAM construction of
/// Hoang, Reyhanitabar, Rogaway and Vizár, so chunks cannot be reordered, dropped or moved
/// between files, and a file cut short at a chunk boundary is told from a finished one. The
/// header is every chunk's additional authenticated data. Fixed-size chunks let a reader
/// find any byte without reading what comes before it.
struct SealedRecordingFormat: Sendable {
    static let magic = Array("VPBXREC1".utf8)
    static let headerSize = 32
    static let tagSize = 16
    /// A second of two-channel 8 kHz 16-bit audio: what a crash may cost on top of what the
    /// writer had not written yet.
    static let defaultChunkSize = 32_000

    let header: [UInt8]
    let fingerprint: [UInt8]
    let chunkSize: Int
    let channels: Int
    private let noncePrefix: [UInt8]

    /// Bytes a full chunk takes on disk.
    var sealedChunkSize: Int { chunkSize + Self.tagSize }

    /// A new file's format: a fresh random nonce prefix, so two files never share a nonce
    /// under one key (2^56 prefixes; a collision is expected after about 2^28 files a key).
    init(key: RecordingKey, channels: Int, chunkSize: Int = defaultChunkSize) {
        var prefix = [UInt8](repeating: 0, count: 7)
        var generator = SystemRandomNumberGenerator()
        for index in prefix.indices { prefix[index] = UInt8.random(in: 0...255, using: &generator) }
        var header = Self.magic + key.fingerprint + prefix
        header.append(UInt8(channels))
        header += Self.bigEndian(UInt32(chunkSize)) + Self.bigEndian(8_000)
        self.header = header
        self.fingerprint = key.fingerprint
        self.noncePrefix = prefix
        self.chunkSize = chunkSize
        self.channels = channels
    }

    /// Reads a file's header. Throws for anything that is not one this code writes.
    init(header: [UInt8], path: String) throws(MediaFileError) {
        guard header.count == Self.headerSize, Array(header.prefix(8)) == Self.magic else {
            throw MediaFileError("\(path) is not an encrypted vpbx recording (no VPBXREC1 header)")
        }
        let chunkSize = Int(Self.readBigEndian(header[24..<28]))
        let channels = Int(header[23])
        guard (1...(1 << 24)).contains(chunkSize), (1...2).contains(channels), Self.readBigEndian(header[28..<32]) == 8_000 else {
            throw MediaFileError("\(path): its header is damaged (chunk size \(chunkSize), \(channels) channels)")
        }
        self.header = header
        self.fingerprint = Array(header[8..<16])
        self.noncePrefix = Array(header[16..<23])
        self.chunkSize = chunkSize
        self.channels = channels
    }

    /// Where chunk `index` starts in the file.
    func offset(ofChunk index: Int) -> Int { Self.headerSize + index * sealedChunkSize }

    /// `plain` (at most `chunkSize` bytes) sealed as chunk `index`: ciphertext and tag.
    func seal(_ plain: [UInt8], index: Int, last: Bool, key: RecordingKey) throws(MediaFileError) -> [UInt8] {
        do {
            let box = try AES.GCM.seal(plain, using: key.key, nonce: nonce(index: index, last: last), authenticating: header)
            return Array(box.ciphertext) + Array(box.tag)
        } catch {
            throw MediaFileError("cannot encrypt a recording's audio: \(error)")
        }
    }

    /// Chunk `index` opened, or nil when it does not authenticate as that chunk (damaged,
    /// altered, from another file, or not the last chunk when `last` says it should be).
    func open(_ sealed: ArraySlice<UInt8>, index: Int, last: Bool, key: RecordingKey) -> [UInt8]? {
        guard sealed.count >= Self.tagSize, let nonce = try? nonce(index: index, last: last),
            let box = try? AES.GCM.SealedBox(
                nonce: nonce, ciphertext: sealed.dropLast(Self.tagSize), tag: sealed.suffix(Self.tagSize)),
            let plain = try? AES.GCM.open(box, using: key.key, authenticating: header)
        else { return nil }
        return Array(plain)
    }

    private func nonce(index: Int, last: Bool) throws -> AES.GCM.Nonce {
        try AES.GCM.Nonce(data: noncePrefix + Self.bigEndian(UInt32(truncatingIfNeeded: index)) + [last ? 1 : 0])
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
         UInt8(truncatingIfNeeded: value)]
    }

    private static func readBigEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
}

/// Cuts a recording's audio into sealed chunks as it comes: full chunks are handed out at
/// once, the rest waits for more audio or for ``sealLast()``.
struct RecordingSealer {
    let format: SealedRecordingFormat
    let key: RecordingKey
    private(set) var chunksSealed = 0
    private var pending: [UInt8] = []

    init(key: RecordingKey, channels: Int) {
        self.format = SealedRecordingFormat(key: key, channels: channels)
        self.key = key
    }

    /// The sealed chunks `pcm` completes (nothing while less than a chunk is waiting).
    mutating func seal(_ pcm: [UInt8]) throws(MediaFileError) -> [UInt8] {
        pending += pcm
        var out: [UInt8] = []
        var start = 0
        while pending.count - start >= format.chunkSize {
            out += try format.seal(
                Array(pending[start..<(start + format.chunkSize)]), index: chunksSealed, last: false, key: key)
            chunksSealed += 1
            start += format.chunkSize
        }
        pending.removeFirst(start)
        return out
    }

    /// What is waiting, sealed as the last chunk (possibly empty): the file is finished.
    mutating func sealLast() throws(MediaFileError) -> [UInt8] {
        let out = try format.seal(pending, index: chunksSealed, last: true, key: key)
        pending = []
        chunksSealed += 1
        return out
    }

    /// After a failed write the file was cut back to `chunks` whole chunks: what was waiting
    /// is dropped and the next chunk takes the next index.
    mutating func restart(after chunks: Int) {
        chunksSealed = chunks
        pending = []
    }
}
