import Foundation
import Testing
import VPBXMedia
import VPBXMediaIO
import VPBXRTP

/// Music-on-hold classes: the default class and named ones, on disk and in memory.
@Suite("Hold music library")
struct HoldMusicLibraryTests {
    private func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-moh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func wav(_ frequency: Double, milliseconds: Int = 1000) -> [UInt8] {
        var generator = ToneGenerator(Tone(frequencies: [frequency], level: -10, cadence: .continuous))
        return WAVWriter.write(generator.next(AudioFormat.samples(milliseconds: milliseconds)))
    }

    @Test("a named class is created, listed after the default, played by name, kept across a restart, and deleted by reset")
    func namedClass() throws {
        let data = try directory()
        defer { try? FileManager.default.removeItem(at: data) }
        let library = HoldMusicLibrary(dataDirectory: data.path)
        #expect(library.list().map(\.name) == ["default"])
        #expect(library.info()?.source == .builtIn)

        let sales = try library.set(wav: wav(1000), fileName: "sales.wav", musicClass: "sales")
        #expect(sales == .init(name: "sales", source: .custom, durationMilliseconds: 1000))
        try library.set(wav: wav(600, milliseconds: 500), fileName: "a.wav", musicClass: "a-team")
        #expect(library.list().map(\.name) == ["default", "a-team", "sales"])
        // Queues play their class; an unknown class (or none) plays the default.
        let tone = library.samples(of: "sales")
        #expect(abs(FrequencyEstimator.dominantFrequency(in: Array(tone.prefix(4000))) - 1000) < 5)
        #expect(library.samples(of: "nope") == HoldMusic.loop())
        #expect(library.samples(of: nil) == HoldMusic.loop())
        // Holds always play the default class.
        #expect(library.payload(encoding: "pcma") == HoldMusic.loop().map { G711.Law.alaw.encode($0) })

        let restarted = HoldMusicLibrary(dataDirectory: data.path)
        #expect(restarted.list() == library.list())
        try restarted.reset(musicClass: "sales")
        #expect(!restarted.hasClass("sales") && restarted.list().map(\.name) == ["default", "a-team"])
        #expect(throws: PromptError.self) { try restarted.reset(musicClass: "sales") }
    }

    @Test("the default class: custom file, reset to built-in; bad class names and bad audio are refused")
    func defaultClassAndRefusals() throws {
        let data = try directory()
        defer { try? FileManager.default.removeItem(at: data) }
        let library = HoldMusicLibrary(dataDirectory: data.path)
        #expect(throws: PromptError.self) { try library.reset() }
        try library.set(wav: wav(440), fileName: "music.wav")
        #expect(library.current.source == .custom && library.current.durationMilliseconds == 1000)
        try library.reset()
        #expect(library.current.source == .builtIn && library.list().count == 1)
        for bad in ["", "a/b", "../x", String(repeating: "x", count: 65)] {
            #expect(throws: PromptError.self) { try library.set(wav: wav(440), fileName: "x.wav", musicClass: bad) }
        }
        #expect(throws: PromptError.self) { try library.set(wav: Array("not a wav".utf8), fileName: "x.wav", musicClass: "x") }
        #expect(!library.hasClass("x"))
    }
}
