import Foundation
import Logging
import Synchronization
import VPBXMedia
import VPBXRTP

/// The music callers hear on hold: the built-in loop (``HoldMusic``), or the administrator's
/// own file, `<data>/moh/default.wav`, stored by ``set(wav:fileName:)`` as 8 kHz mono.
///
/// The music is kept encoded, once per G.711 law, for the whole engine: playing it to a call
/// costs the relay a copy of 160 bytes every 20 ms, nothing else. Thread-safe.
public final class HoldMusicLibrary: Sendable {
    /// Where the music comes from.
    public enum Source: String, Sendable {
        /// The loop composed in code (``HoldMusic``).
        case builtIn = "built-in"
        /// The administrator's file.
        case custom
    }

    /// A custom file longer than this is refused: ten minutes, about 10 MB of memory encoded.
    public static let maximumSeconds = 600

    private struct Loaded: Sendable {
        var samples: [Int16]
        var alaw: [UInt8]
        var ulaw: [UInt8]
        var source: Source
    }

    private let fileURL: URL
    private let logger: Logger
    private let loaded: Mutex<Loaded>

    /// Loads `<dataDirectory>/moh/default.wav` if there is one; an unreadable file is logged
    /// and the built-in music plays instead (the engine starts either way).
    public init(dataDirectory: String, logger: Logger = Logger(label: "vpbx.music")) {
        self.fileURL = URL(fileURLWithPath: dataDirectory).appendingPathComponent("moh/default.wav")
        self.logger = logger
        var samples = HoldMusic.loop()
        var source = Source.builtIn
        if FileManager.default.fileExists(atPath: fileURL.path) {
            do {
                let bytes = try [UInt8](Data(contentsOf: fileURL))
                let custom = try WAVReader.read(bytes, name: fileURL.path, maximumSeconds: Self.maximumSeconds).telephoneAudio()
                if custom.count >= 160 {
                    samples = custom
                    source = .custom
                }
            } catch {
                logger.warning(
                    "music on hold file \(fileURL.path) is unusable (\(error)); playing the built-in music. Replace it with 'vpbx moh set'")
            }
        }
        self.loaded = Mutex(Self.encode(samples, source: source))
    }

    /// The music encoded for `encoding` (`PCMA` or `PCMU`, any case); nil for other codecs.
    public func payload(encoding: String) -> [UInt8]? {
        switch encoding.uppercased() {
        case "PCMA": loaded.withLock { $0.alaw }
        case "PCMU": loaded.withLock { $0.ulaw }
        default: nil
        }
    }

    /// The music as 8 kHz samples, for players that encode it themselves (queue callers).
    public var samples: [Int16] { loaded.withLock { $0.samples } }

    /// Where the music now comes from, and its length in milliseconds.
    public var current: (source: Source, durationMilliseconds: Int) {
        loaded.withLock { ($0.source, $0.alaw.count / 8) }
    }

    /// Replaces the music with the administrator's file: any PCM WAV the media layer reads
    /// (8/16/44.1/48 kHz, mono or stereo), converted to 8 kHz mono and written atomically.
    /// Calls on hold keep their old music until their next hold.
    public func set(wav: [UInt8], fileName: String) throws(PromptError) -> (source: Source, durationMilliseconds: Int) {
        let samples: [Int16]
        do {
            samples = try WAVReader.read(wav, name: fileName, maximumSeconds: Self.maximumSeconds).telephoneAudio()
        } catch {
            throw PromptError(.invalidArgument, error.message)
        }
        guard samples.count >= 160 else {
            throw PromptError(.invalidArgument, "\(fileName): music on hold needs at least 20 ms of audio")
        }
        do {
            try FileManager.default.createDirectory(
                at: fileURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(WAVWriter.write(samples)).write(to: fileURL, options: .atomic)
        } catch {
            throw PromptError(
                .storage, "cannot write \(fileURL.path): \(error.localizedDescription); check the data directory's permissions")
        }
        loaded.withLock { $0 = Self.encode(samples, source: .custom) }
        logger.notice("music on hold replaced", metadata: ["source": "\(fileName)", "seconds": "\(samples.count / 8000)"])
        return current
    }

    /// Removes the administrator's file: the built-in music plays again.
    public func reset() throws(PromptError) -> (source: Source, durationMilliseconds: Int) {
        guard FileManager.default.fileExists(atPath: fileURL.path) else {
            throw PromptError(.notFound, "music on hold is already the built-in music; there is no custom file to reset")
        }
        do {
            try FileManager.default.removeItem(at: fileURL)
        } catch {
            throw PromptError(.storage, "cannot remove \(fileURL.path): \(error.localizedDescription)")
        }
        loaded.withLock { $0 = Self.encode(HoldMusic.loop(), source: .builtIn) }
        logger.notice("music on hold reset to the built-in music")
        return current
    }

    private static func encode(_ samples: [Int16], source: Source) -> Loaded {
        Loaded(
            samples: samples, alaw: samples.map { G711.Law.alaw.encode($0) }, ulaw: samples.map { G711.Law.ulaw.encode($0) },
            source: source)
    }
}
