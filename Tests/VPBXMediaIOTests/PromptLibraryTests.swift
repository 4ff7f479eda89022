import Foundation
import Testing
import VPBXMedia
import VPBXMediaIO

/// The repository root, from this file's path.
private let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A temporary data directory and defaults directory, removed at the end.
private final class PromptDirectories {
    let root: URL
    var data: URL { root.appendingPathComponent("data") }
    var defaults: URL { root.appendingPathComponent("defaults") }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-prompts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func writeDefault(_ name: String, language: String, milliseconds: Int, frequency: Double = 440) throws {
        let directory = defaults.appendingPathComponent(language)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var generator = ToneGenerator(Tone(frequencies: [frequency], level: -10, cadence: .continuous))
        let samples = generator.next(AudioFormat.samples(milliseconds: milliseconds))
        try Data(WAVWriter.write(samples)).write(to: directory.appendingPathComponent("\(name).wav"))
    }

    deinit { try? FileManager.default.removeItem(at: root) }
}

/// A 16-bit PCM WAV of a sine at `rate` Hz with `channels` channels.
private func wav(rate: Int, channels: Int, milliseconds: Int, frequency: Double) -> [UInt8] {
    let frames = rate * milliseconds / 1000
    var samples: [Int16] = []
    for index in 0..<frames {
        let value = Int16(8000 * sin(2 * Double.pi * frequency * Double(index) / Double(rate)))
        samples += [Int16](repeating: value, count: channels)
    }
    var bytes: [UInt8] = Array("RIFF".utf8) + le32(36 + samples.count * 2) + Array("WAVEfmt ".utf8)
    bytes +=
        le32(16) + le16(1) + le16(channels) + le32(rate) + le32(rate * channels * 2) + le16(channels * 2) + le16(16)
    bytes += Array("data".utf8) + le32(samples.count * 2)
    for sample in samples { bytes += le16(Int(UInt16(bitPattern: sample))) }
    return bytes
}

private func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
private func le32(_ value: Int) -> [UInt8] { le16(value & 0xFFFF) + le16(value >> 16 & 0xFFFF) }

@Suite("Prompt catalog and library")
struct PromptLibraryTests {
    @Test func theCatalogFileAndTheSwiftListNameTheSamePrompts() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("prompts/catalog.tsv"), encoding: .utf8)
        let rows = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t") }
        #expect(rows.allSatisfy { $0.count == 3 && !$0[1].isEmpty && !$0[2].isEmpty })
        #expect(rows.map { String($0[0]) } == PromptCatalog.names)
        #expect(PromptCatalog.names.allSatisfy(PromptCatalog.isValidName))
        #expect(PromptCatalog.names.contains("num-20") && PromptCatalog.names.contains("vm-leave-message"))
    }

    @Test func everyDefaultPromptWasGenerated() throws {
        let generated = repositoryRoot.appendingPathComponent(".build/prompts")
        let required = ProcessInfo.processInfo.environment["CI"] == "true"
        guard required || FileManager.default.fileExists(atPath: generated.path) else { return }
        for language in PromptCatalog.languages {
            for name in PromptCatalog.names {
                let url = generated.appendingPathComponent("\(language)/\(name).wav")
                let bytes = try [UInt8](Data(contentsOf: url))
                let file = try WAVReader.read(bytes, name: url.lastPathComponent)
                #expect(file.format.sampleRate == 8000 && file.format.channels == 1, "\(url.path)")
                #expect(file.durationMilliseconds > 200, "\(url.path) is too short")
            }
        }
    }

    @Test func customRecordingsWinAndResetRestoresTheDefault() async throws {
        let directories = try PromptDirectories()
        try directories.writeDefault("welcome", language: "hu", milliseconds: 1000)
        let library = PromptLibrary(dataDirectory: directories.data.path, defaultsDirectory: directories.defaults.path)
        #expect(
            await library.entry("welcome", language: "hu")
                == PromptEntry(name: "welcome", language: "hu", source: .default, durationMilliseconds: 1000))

        let upload = wav(rate: 44100, channels: 2, milliseconds: 2500, frequency: 1000)
        let stored = try await library.set("welcome", language: "hu", wav: upload, fileName: "welcome-studio.wav")
        #expect(stored.source == .custom && abs(stored.durationMilliseconds - 2500) <= 1)
        let samples = try #require(await library.samples("welcome", language: "hu"))
        #expect(abs(FrequencyEstimator.dominantFrequency(in: Array(samples.prefix(8000))) - 1000) < 2)
        let written = try [UInt8](Data(contentsOf: directories.data.appendingPathComponent("prompts/hu/welcome.wav")))
        let format = try WAVReader.read(written, name: "welcome.wav").format
        #expect(format.sampleRate == 8000 && format.channels == 1)

        let reset = try await library.reset("welcome", language: "hu")
        #expect(reset.source == .default && reset.durationMilliseconds == 1000)
        await #expect(throws: PromptError.self) { try await library.reset("welcome", language: "hu") }
    }

    @Test func badFilesAndNamesAreRefusedAndNothingIsWritten() async throws {
        let directories = try PromptDirectories()
        let library = PromptLibrary(dataDirectory: directories.data.path, defaultsDirectory: nil)
        let odd = wav(rate: 22050, channels: 1, milliseconds: 100, frequency: 500)
        do {
            _ = try await library.set("welcome", language: "hu", wav: odd, fileName: "odd.wav")
            Issue.record("a 22050 Hz file was accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.description.contains("odd.wav") && error.description.contains("22050"))
        }
        let good = wav(rate: 8000, channels: 1, milliseconds: 100, frequency: 500)
        await #expect(throws: PromptError.self) {
            try await library.set("../etc", language: "hu", wav: good, fileName: "x.wav")
        }
        await #expect(throws: PromptError.self) {
            try await library.set("welcome", language: "de", wav: good, fileName: "x.wav")
        }
        #expect(!FileManager.default.fileExists(atPath: directories.data.appendingPathComponent("prompts").path))
        #expect(await library.entry("welcome", language: "hu").source == .missing)
    }

    @Test func aMissingLanguageFallsBackHungarianThenEnglish() async throws {
        let directories = try PromptDirectories()
        try directories.writeDefault("goodbye", language: "en", milliseconds: 400, frequency: 600)
        try directories.writeDefault("goodbye", language: "hu", milliseconds: 200, frequency: 800)
        try directories.writeDefault("only-english", language: "en", milliseconds: 300)
        let library = PromptLibrary(dataDirectory: directories.data.path, defaultsDirectory: directories.defaults.path)
        #expect(await library.samples("goodbye", language: "hu")?.count == 1600)
        #expect(await library.samples("goodbye", language: "en")?.count == 3200)
        #expect(await library.samples("only-english", language: "hu")?.count == 2400)
        #expect(await library.samples("nothing", language: "hu") == nil)

        _ = try await library.set(
            "menu-sales", language: "en", wav: wav(rate: 16000, channels: 1, milliseconds: 500, frequency: 300),
            fileName: "sales.wav")
        let english = await library.list(language: "en")
        #expect(english.count == PromptCatalog.names.count + 1)
        #expect(
            english.last == PromptEntry(name: "menu-sales", language: "en", source: .custom, durationMilliseconds: 500))
        #expect(english.first { $0.name == "goodbye" }?.source == .default)
        #expect(english.first { $0.name == "welcome" }?.source == .missing)
    }
}
