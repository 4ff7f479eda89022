/// Why a WAV file cannot be used as a prompt, phrased for the administrator who supplied it:
/// what is wrong and what to provide instead.
///
/// A struct wrapping a private enum (rather than a public enum) so that new cases never break
/// callers who switch over errors.
public struct WAVError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case notRIFF
        case notWAVE
        case truncated(what: String)
        case missingChunk(String)
        case oversizedFormat(Int)
        case unsupportedEncoding(String)
        case unsupportedBits(Int)
        case unsupportedRate(Int)
        case unsupportedChannels(Int)
        case dataBeyondFile(declared: Int, available: Int)
        case tooLong(seconds: Int)
        case malformed(String)
    }

    private let kind: Kind
    /// The file name (or other label) the message starts with.
    public let name: String

    private init(_ kind: Kind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// The sentence shown to the administrator.
    public var message: String {
        let advice = "provide a PCM 16-bit WAV at 8000, 16000, 44100 or 48000 Hz, mono or stereo"
        switch kind {
        case .notRIFF: return "\(name): not a WAV file (no RIFF header); \(advice)"
        case .notWAVE: return "\(name): a RIFF file but not WAVE audio; \(advice)"
        case .truncated(let what): return "\(name): the file is truncated (\(what)); export it again"
        case .missingChunk(let chunk): return "\(name): the '\(chunk)' chunk is missing; \(advice)"
        case .oversizedFormat(let size):
            return "\(name): the 'fmt ' chunk is \(size) bytes, more than any PCM format needs; \(advice)"
        case .unsupportedEncoding(let encoding):
            return "\(name): \(encoding) audio is not supported; convert to PCM 16-bit"
        case .unsupportedBits(let bits):
            return "\(name): \(bits)-bit samples are not supported; convert to PCM 16-bit"
        case .unsupportedRate(let rate):
            return "\(name): \(rate) Hz is not supported; convert to 8000, 16000, 44100 or 48000 Hz PCM 16-bit"
        case .unsupportedChannels(let channels):
            return "\(name): \(channels) channels are not supported; convert to mono or stereo"
        case .dataBeyondFile(let declared, let available):
            return "\(name): the data chunk declares \(declared) bytes but only \(available) follow; export it again"
        case .tooLong(let seconds):
            return "\(name): longer than the \(seconds) s limit for a prompt; shorten it"
        case .malformed(let what): return "\(name): the WAV header is inconsistent (\(what)); export it again"
        }
    }

    /// The same sentence as `message`.
    public var description: String { message }

    static func notRIFF(_ name: String) -> Self { Self(.notRIFF, name: name) }
    static func notWAVE(_ name: String) -> Self { Self(.notWAVE, name: name) }
    static func truncated(_ name: String, _ what: String) -> Self { Self(.truncated(what: what), name: name) }
    static func missingChunk(_ name: String, _ chunk: String) -> Self { Self(.missingChunk(chunk), name: name) }
    static func oversizedFormat(_ name: String, size: Int) -> Self { Self(.oversizedFormat(size), name: name) }
    static func unsupportedEncoding(_ name: String, _ encoding: String) -> Self {
        Self(.unsupportedEncoding(encoding), name: name)
    }
    static func unsupportedBits(_ name: String, _ bits: Int) -> Self { Self(.unsupportedBits(bits), name: name) }
    static func unsupportedRate(_ name: String, _ rate: Int) -> Self { Self(.unsupportedRate(rate), name: name) }
    static func unsupportedChannels(_ name: String, _ channels: Int) -> Self {
        Self(.unsupportedChannels(channels), name: name)
    }
    static func dataBeyondFile(_ name: String, declared: Int, available: Int) -> Self {
        Self(.dataBeyondFile(declared: declared, available: available), name: name)
    }
    static func malformed(_ name: String, _ what: String) -> Self { Self(.malformed(what), name: name) }
    static func tooLong(_ name: String, seconds: Int) -> Self { Self(.tooLong(seconds: seconds), name: name) }

    /// Whether two errors report the same problem (tests compare kinds, not sentences).
    public func isSameProblem(as other: WAVError) -> Bool { kind == other.kind }
}
