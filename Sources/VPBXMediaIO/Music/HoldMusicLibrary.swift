import Foundation
import Logging
import Synchronization
import VPBXMedia
import VPBXRTP

/// The music callers hear on hold, in classes as Asterisk calls them: the `default` class (the
/// built-in loop, ``HoldMusic``, or the administrator's `<data>/moh/default.wav`) that every
/// hold and queue plays unless told otherwise, and named classes (`<data>/moh/<class>.wav`)
/// that queues choose (`vpbx queue set sales --music sales`).
///
/// The music is kept encoded, once per G.711 law, for the whole engine: playing it to a call
/// costs the relay a copy of 160 bytes every 20 ms, nothing else. Thread-safe.
public final class HoldMusicLibrary: Sendable {
    /// Where a class's music comes from.
    public enum Source: String, Sendable {
        /// The loop composed in code (``HoldMusic``); only the default class can be it.
        case builtIn = "built-in"
        /// The administrator's file.
        case custom
    }

    /// One class as `moh.list` shows it.
    public struct ClassInfo: Sendable, Equatable {
        public var name: String
        public var source: Source
        public var durationMilliseconds: Int

        public init(name: String, source: Source, durationMilliseconds: Int) {
            self.name = name
            self.source = source
            self.durationMilliseconds = durationMilliseconds
        }
    }

    /// The class every hold plays, and queues without a class of their own.
    public static let defaultClass = "default"
    /// A custom file longer than this is refused: ten minutes, about 10 MB of memory encoded.
    public static let maximumSeconds = 600

    private struct Loaded: Sendable {
        var samples: [Int16]
        var alaw: [UInt8]
        var ulaw: [UInt8]
        var source: Source
    }

    private let directory: URL
    private let logger: Logger
    /// By class name; always has ``defaultClass``.
    private let classes: Mutex<[String: Loaded]>

    /// Loads every `<dataDirectory>/moh/*.wav`; an unreadable file is logged and skipped (the
    /// default class then plays the built-in music), so the engine starts either way.
    public init(dataDirectory: String, logger: Logger = Logger(label: "vpbx.music")) {
        self.directory = URL(fileURLWithPath: dataDirectory).appendingPathComponent("moh")
        self.logger = logger
        var loaded = [Self.defaultClass: Self.encode(HoldMusic.loop(), source: .builtIn)]
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".wav") {
            let name = String(file.dropLast(4))
            guard Self.isValidName(name) else { continue }
            let url = directory.appendingPathComponent(file)
            do {
                let bytes = try [UInt8](Data(contentsOf: url))
                let samples = try WAVReader.read(bytes, name: url.path, maximumSeconds: Self.maximumSeconds).telephoneAudio()
                if samples.count >= 160 { loaded[name] = Self.encode(samples, source: .custom) }
            } catch {
                logger.warning(
                    "music on hold file \(url.path) is unusable (\(error)); class \(name) plays the default. Replace it with 'vpbx moh set'"
                )
            }
        }
        self.classes = Mutex(loaded)
    }

    /// Class names: what queue names allow, 1-64 letters, digits, `-`, `_` or `.`.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return (1...64).contains(bytes.count)
            && bytes.allSatisfy {
                (0x61...0x7A).contains($0) || (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D
                    || $0 == 0x5F || $0 == 0x2E
            }
    }

    /// The default class's music encoded for `encoding` (`PCMA` or `PCMU`, any case); nil for
    /// other codecs. Holds always play the default class.
    public func payload(encoding: String) -> [UInt8]? {
        let music = classes.withLock { $0[Self.defaultClass]! }
        switch encoding.uppercased() {
        case "PCMA": return music.alaw
        case "PCMU": return music.ulaw
        default: return nil
        }
    }

    /// The ringing tone (``Tone/ringback``: 425 Hz, 1 s on, 4 s off) as one 5 s cadence encoded
    /// for `encoding`, for a phone that is answered while the engine rings the other party for
    /// it (click-to-call); nil for codecs other than G.711.
    public func ringbackPayload(encoding: String) -> [UInt8]? {
        switch encoding.uppercased() {
        case "PCMA": return Self.ringback.alaw
        case "PCMU": return Self.ringback.ulaw
        default: return nil
        }
    }

    /// Generated once for the process: 40,000 bytes a law.
    private static let ringback: (alaw: [UInt8], ulaw: [UInt8]) = {
        var generator = ToneGenerator(.ringback)
        let samples = generator.next(Tone.ringback.cadence.period)
        return (samples.map { G711.Law.alaw.encode($0) }, samples.map { G711.Law.ulaw.encode($0) })
    }()

    /// A class's music as 8 kHz samples, for players that encode it themselves (queue
    /// callers); the default class for nil or a class that is gone.
    public func samples(of musicClass: String? = nil) -> [Int16] {
        classes.withLock { ($0[musicClass ?? Self.defaultClass] ?? $0[Self.defaultClass]!).samples }
    }

    /// The default class's music as 8 kHz samples.
    public var samples: [Int16] { samples(of: nil) }

    public func hasClass(_ name: String) -> Bool { classes.withLock { $0[name] != nil } }

    /// Every class, the default first, then by name.
    public func list() -> [ClassInfo] {
        classes.withLock { classes in
            classes.map { ClassInfo(name: $0.key, source: $0.value.source, durationMilliseconds: $0.value.alaw.count / 8) }
        }.sorted { ($0.name == Self.defaultClass ? "" : $0.name) < ($1.name == Self.defaultClass ? "" : $1.name) }
    }

    /// One class; nil when there is no such class.
    public func info(of name: String = HoldMusicLibrary.defaultClass) -> ClassInfo? {
        classes.withLock { classes in
            classes[name].map { ClassInfo(name: name, source: $0.source, durationMilliseconds: $0.alaw.count / 8) }
        }
    }

    /// Where the default music now comes from, and its length in milliseconds.
    public var current: (source: Source, durationMilliseconds: Int) {
        let info = info()!
        return (info.source, info.durationMilliseconds)
    }

    /// Replaces (or, for a new name, creates) a class with the administrator's file: any PCM
    /// WAV the media layer reads (8/16/44.1/48 kHz, mono or stereo), converted to 8 kHz mono
    /// and written atomically. Calls already playing it keep the old music until their next hold.
    @discardableResult
    public func set(wav: [UInt8], fileName: String, musicClass: String = HoldMusicLibrary.defaultClass) throws(PromptError)
        -> ClassInfo
    {
        guard Self.isValidName(musicClass) else {
            throw PromptError(
                .invalidArgument, "music class '\(musicClass)' is invalid: use 1-64 letters, digits, '-', '_' or '.'")
        }
        let samples: [Int16]
        do {
            samples = try WAVReader.read(wav, name: fileName, maximumSeconds: Self.maximumSeconds).telephoneAudio()
        } catch {
            throw PromptError(.invalidArgument, error.message)
        }
        guard samples.count >= 160 else {
            throw PromptError(.invalidArgument, "\(fileName): music on hold needs at least 20 ms of audio")
        }
        let url = file(of: musicClass)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(WAVWriter.write(samples)).write(to: url, options: .atomic)
        } catch {
            throw PromptError(
                .storage, "cannot write \(url.path): \(error.localizedDescription); check the data directory's permissions")
        }
        classes.withLock { $0[musicClass] = Self.encode(samples, source: .custom) }
        logger.notice(
            "music on hold replaced",
            metadata: ["class": "\(musicClass)", "source": "\(fileName)", "seconds": "\(samples.count / 8000)"])
        return info(of: musicClass)!
    }

    /// Removes the administrator's file of a class: the default class plays the built-in music
    /// again; a named class is gone (queues that named it play the default).
    @discardableResult
    public func reset(musicClass: String = HoldMusicLibrary.defaultClass) throws(PromptError) -> ClassInfo {
        let url = file(of: musicClass)
        guard Self.isValidName(musicClass), FileManager.default.fileExists(atPath: url.path) else {
            throw PromptError(
                .notFound,
                musicClass == Self.defaultClass
                    ? "music on hold is already the built-in music; there is no custom file to reset"
                    : "there is no music class \(musicClass) (vpbx moh list)")
        }
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            throw PromptError(.storage, "cannot remove \(url.path): \(error.localizedDescription)")
        }
        classes.withLock { classes in
            if musicClass == Self.defaultClass {
                classes[musicClass] = Self.encode(HoldMusic.loop(), source: .builtIn)
            } else {
                classes[musicClass] = nil
            }
        }
        logger.notice("music on hold class reset", metadata: ["class": "\(musicClass)"])
        return info(of: musicClass) ?? ClassInfo(name: musicClass, source: .builtIn, durationMilliseconds: 0)
    }

    private func file(of musicClass: String) -> URL { directory.appendingPathComponent("\(musicClass).wav") }

    private static func encode(_ samples: [Int16], source: Source) -> Loaded {
        Loaded(
            samples: samples, alaw: samples.map { G711.Law.alaw.encode($0) }, ulaw: samples.map { G711.Law.ulaw.encode($0) },
            source: source)
    }
}
