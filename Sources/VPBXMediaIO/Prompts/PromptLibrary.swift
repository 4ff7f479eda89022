import Foundation
import Logging
import VPBXMedia

/// One prompt as the library resolves it for one language.
public struct PromptEntry: Sendable, Equatable {
    /// Where the audio comes from.
    public enum Source: String, Sendable {
        /// The administrator's recording in `<data>/prompts/<lang>/`.
        case custom
        /// The generated default (scripts/make-prompts.sh).
        case `default`
        /// Neither exists for this language.
        case missing
    }

    public var name: String
    public var language: String
    public var source: Source
    /// Length at 8 kHz; 0 when missing.
    public var durationMilliseconds: Int

    public init(name: String, language: String, source: Source, durationMilliseconds: Int) {
        self.name = name
        self.language = language
        self.source = source
        self.durationMilliseconds = durationMilliseconds
    }
}

/// The prompts the engine plays, per language: the administrator's replacements in
/// `<data>/prompts/<lang>/<name>.wav` first, then the generated defaults in
/// `<defaults>/<lang>/<name>.wav`; a prompt missing in the caller's language falls back along
/// `PromptCatalog.languages` (hu, then en) with a warning. Decoded 8 kHz audio is cached and
/// reloaded when the file changes.
public actor PromptLibrary {
    /// `<data>/prompts`.
    public let customDirectory: URL
    /// The generated defaults, if configured.
    public let defaultsDirectory: URL?
    /// The longest prompt accepted from `set`.
    public static let maximumSeconds = 120
    private let logger: Logger
    private var cache: [String: (modified: Date, samples: [Int16])] = [:]
    private var warned: Set<String> = []

    public init(dataDirectory: String, defaultsDirectory: String?, logger: Logger = Logger(label: "vpbx.prompts")) {
        customDirectory = URL(fileURLWithPath: dataDirectory).appendingPathComponent("prompts")
        self.defaultsDirectory = defaultsDirectory.map { URL(fileURLWithPath: $0) }
        self.logger = logger
    }

    /// The 8 kHz audio of `name` in `language`, or in the next language that has it; nil when
    /// no language has it (logged: the call flow should skip the prompt, not fail the call).
    public func samples(_ name: String, language: String) -> [Int16]? {
        let order = [language] + PromptCatalog.languages.filter { $0 != language }
        for candidate in order {
            guard let samples = resolvedSamples(name, language: candidate) else { continue }
            if candidate != language {
                warnOnce(
                    "\(name)/\(language)", "prompt '\(name)' has no '\(language)' recording; playing '\(candidate)'")
            }
            return samples
        }
        warnOnce("\(name)", "prompt '\(name)' exists in no language (\(order.joined(separator: ", "))); skipped")
        return nil
    }

    /// `name` as a player item (see `samples(_:language:)`); nil when no language has it.
    public func item(_ name: String, language: String, bargeIn: Bool = true) -> PlayItem? {
        samples(name, language: language).map { PlayItem.prompt($0, bargeIn: bargeIn) }
    }

    /// Every catalog prompt and every custom one, per language (`language` nil: all).
    public func list(language: String? = nil) -> [PromptEntry] {
        let languages = language.map { [$0] } ?? PromptCatalog.languages
        return languages.flatMap { language in
            let custom = Self.wavNames(in: customDirectory.appendingPathComponent(language))
            let names = PromptCatalog.names + custom.subtracting(PromptCatalog.names).sorted()
            return names.map { entry($0, language: language) }
        }
    }

    /// How `name` resolves in `language` (without falling back to another language).
    public func entry(_ name: String, language: String) -> PromptEntry {
        for (url, source) in candidates(name, language: language) {
            if let samples = load(url) {
                return PromptEntry(
                    name: name, language: language, source: source,
                    durationMilliseconds: samples.count * 1000 / AudioFormat.sampleRate)
            }
        }
        return PromptEntry(name: name, language: language, source: .missing, durationMilliseconds: 0)
    }

    /// Stores the administrator's recording: checks it is a PCM WAV the media layer reads
    /// (refusing it with the reader's message otherwise), converts it to 8 kHz mono and writes
    /// `<data>/prompts/<lang>/<name>.wav` atomically (a call never plays half a file).
    public func set(_ name: String, language: String, wav: [UInt8], fileName: String) throws(PromptError) -> PromptEntry
    {
        try Self.validate(name: name, language: language)
        let file: WAVFile
        do {
            file = try WAVReader.read(wav, name: fileName, maximumSeconds: Self.maximumSeconds)
        } catch {
            throw PromptError(.invalidArgument, error.message)
        }
        let samples = file.telephoneAudio()
        guard !samples.isEmpty else {
            throw PromptError(.invalidArgument, "\(fileName): the file holds no audio; record the prompt again")
        }
        let url = customURL(name, language: language)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(WAVWriter.write(samples)).write(to: url, options: .atomic)
        } catch {
            throw PromptError(
                .storage,
                "cannot write \(url.path): \(error.localizedDescription); check the data directory's permissions")
        }
        cache[url.path] = nil
        logger.notice("custom prompt stored", metadata: ["prompt": "\(language)/\(name)", "source": "\(fileName)"])
        return entry(name, language: language)
    }

    /// Removes the administrator's recording, so the default plays again.
    public func reset(_ name: String, language: String) throws(PromptError) -> PromptEntry {
        try Self.validate(name: name, language: language)
        let url = customURL(name, language: language)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PromptError(.notFound, "prompt '\(name)' has no custom '\(language)' recording to reset")
        }
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            throw PromptError(.storage, "cannot remove \(url.path): \(error.localizedDescription)")
        }
        cache[url.path] = nil
        logger.notice("custom prompt removed", metadata: ["prompt": "\(language)/\(name)"])
        return entry(name, language: language)
    }

    // MARK: - Files

    private func resolvedSamples(_ name: String, language: String) -> [Int16]? {
        for (url, _) in candidates(name, language: language) {
            if let samples = load(url) { return samples }
        }
        return nil
    }

    private func candidates(_ name: String, language: String) -> [(URL, PromptEntry.Source)] {
        guard PromptCatalog.isValidName(name), PromptCatalog.isValidLanguage(language) else { return [] }
        var list = [(customURL(name, language: language), PromptEntry.Source.custom)]
        if let defaultsDirectory {
            list.append((defaultsDirectory.appendingPathComponent("\(language)/\(name).wav"), .default))
        }
        return list
    }

    private func customURL(_ name: String, language: String) -> URL {
        customDirectory.appendingPathComponent("\(language)/\(name).wav")
    }

    /// The decoded file, from the cache while its modification time is unchanged. A file
    /// that is not readable audio (someone copied junk in by hand) is logged and skipped.
    private func load(_ url: URL) -> [Int16]? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            let modified = attributes[.modificationDate] as? Date
        else { return nil }
        if let cached = cache[url.path], cached.modified == modified { return cached.samples }
        do {
            let bytes = try [UInt8](Data(contentsOf: url))
            let samples = try WAVReader.read(bytes, name: url.path).telephoneAudio()
            cache[url.path] = (modified, samples)
            return samples
        } catch {
            warnOnce(url.path, "prompt file \(url.path) is unusable (\(error)); replace it with 'vpbx prompt set'")
            return nil
        }
    }

    private func warnOnce(_ key: String, _ message: String) {
        guard warned.insert(key).inserted else { return }
        logger.warning("\(message)")
    }

    private static func wavNames(in directory: URL) -> Set<String> {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return Set(
            files.filter { $0.hasSuffix(".wav") }.map { String($0.dropLast(4)) }.filter(PromptCatalog.isValidName))
    }

    private static func validate(name: String, language: String) throws(PromptError) {
        guard PromptCatalog.isValidName(name) else {
            throw PromptError(
                .invalidArgument,
                "prompt name '\(name)' is invalid: use up to 64 lowercase letters, digits and '-', e.g. menu-sales")
        }
        guard PromptCatalog.isValidLanguage(language) else {
            throw PromptError(
                .invalidArgument,
                "language '\(language)' has no prompts: use \(PromptCatalog.languages.joined(separator: " or "))")
        }
    }
}
