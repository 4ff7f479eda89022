import Crypto

/// A 256-bit AES key that call recordings are encrypted with at rest, read from a file only
/// the engine's user may read (`vpbx-engine --recording-key FILE`).
///
/// Its ``fingerprint`` is written into every file it seals, so a recording names the key it
/// needs: after a key change the old key is given as well (a second `--recording-key`), and
/// a recording whose key is missing says which one, instead of failing as if it were damaged.
public struct RecordingKey: Sendable {
    let key: SymmetricKey
    /// The first 8 bytes of SHA-256 over a label and the key: names the key, reveals nothing of it.
    public let fingerprint: [UInt8]

    /// Sixteen hex digits, as logs, errors and `vpbx status` show the fingerprint.
    public var fingerprintText: String { Self.hex(fingerprint) }

    /// - Throws: if `bytes` is not 32 bytes long.
    public init(bytes: [UInt8]) throws(RecordingKeyError) {
        guard bytes.count == 32 else {
            throw RecordingKeyError("a recording key is 32 bytes (256 bits), not \(bytes.count)")
        }
        key = SymmetricKey(data: bytes)
        fingerprint = Array(SHA256.hash(data: Array("vpbx recording key".utf8) + bytes).prefix(8))
    }

    /// Reads a key file: 32 bytes as they are (`head -c 32 /dev/urandom`) or 64 hex digits
    /// on one line (`openssl rand -hex 32`). Refused when others than its owner may read it,
    /// as ssh refuses such a private key: a readable key makes the encryption pointless.
    public static func load(path: String) throws(RecordingKeyError) -> RecordingKey {
        let content: [UInt8]
        do {
            content = try SecretFile.contents(of: path, what: "the recording key", maximumBytes: 256)
        } catch {
            throw RecordingKeyError(error.description)
        }
        if content.count == 32 { return try RecordingKey(bytes: content) }
        if let decoded = decodeHex(content) { return try RecordingKey(bytes: decoded) }
        throw RecordingKeyError(
            "the recording key \(path) holds \(content.count) bytes: expected 32 random bytes or 64 hex digits "
                + "(make one with: umask 077; head -c 32 /dev/urandom > \(path))")
    }

    /// 64 hex digits, surrounding white space allowed; nil for anything else.
    static func decodeHex(_ text: [UInt8]) -> [UInt8]? {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        let digits = text.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
        guard digits.count == 64 else { return nil }
        var out: [UInt8] = []
        var high: UInt8?
        for character in digits {
            let value: UInt8
            switch character {
            case 0x30...0x39: value = character - 0x30
            case 0x61...0x66: value = character - 0x61 + 10
            case 0x41...0x46: value = character - 0x41 + 10
            default: return nil
            }
            if let first = high {
                out.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }
}

/// The keys the engine was given: new recordings are sealed with the first; every one of
/// them opens the recordings it sealed (key rotation keeps the old keys readable).
public struct RecordingKeyring: Sendable {
    public let current: RecordingKey
    public let all: [RecordingKey]

    /// - Throws: for an empty list, or one key given twice.
    public init(_ keys: [RecordingKey]) throws(RecordingKeyError) {
        guard let first = keys.first else { throw RecordingKeyError("no recording key given") }
        var seen: Set<[UInt8]> = []
        for key in keys where !seen.insert(key.fingerprint).inserted {
            throw RecordingKeyError("the recording key \(key.fingerprintText) is given twice")
        }
        current = first
        all = keys
    }

    /// The key whose fingerprint a sealed file names, if the engine has it.
    func key(fingerprint: [UInt8]) -> RecordingKey? {
        all.first { $0.fingerprint == fingerprint }
    }
}

/// A recording key file could not be used; the description says why and what to do.
public struct RecordingKeyError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
