import Foundation
import Testing
import VPBXControl

extension Integration {
    /// `vpbx prompt` through the real CLI and engine.
    @Suite("Prompts")
    struct PromptTests {
        private func welcome(_ pbx: TestPBX) async throws -> PromptInfo {
            let list = try await pbx.cli.json([PromptInfo].self, ["prompt", "list", "--lang", "hu"])
            return try #require(list.first { $0.name == "welcome" })
        }

        @Test("a custom prompt from a 44.1 kHz stereo WAV, a broken file refused, reset restores the default")
        func customPrompt() async throws {
            try await TestPBX.run { pbx in
                let defaults = URL(fileURLWithPath: pbx.options.promptsDirectory)
                try await Sox.sine(
                    defaults.appendingPathComponent("hu/welcome.wav"), rate: 8000, channels: 1, seconds: 1.5,
                    frequency: 440, scratch: pbx.scratch)
                let before = try await welcome(pbx)
                #expect(before.source == .default && before.durationMilliseconds == 1500)
                let english = try await pbx.cli.json([PromptInfo].self, ["prompt", "list", "--lang", "en"])
                #expect(english.first { $0.name == "welcome" }?.source == .missing)
                #expect(english.contains { $0.name == "num-20" } && english.allSatisfy { $0.language == "en" })

                let studio = pbx.scratch.file("studio.wav")
                try await Sox.sine(
                    studio, rate: 44100, channels: 2, seconds: 2.5, frequency: 1000, scratch: pbx.scratch)
                let stored = try await pbx.cli.json(
                    PromptInfo.self, ["prompt", "set", "welcome", "--lang", "hu", studio.path])
                #expect(stored.source == .custom && abs(stored.durationMilliseconds - 2500) <= 1)
                #expect(try await welcome(pbx) == stored)
                let file = URL(fileURLWithPath: pbx.options.dataDirectory).appendingPathComponent(
                    "prompts/hu/welcome.wav")
                let header = try [UInt8](Data(contentsOf: file).prefix(44))
                #expect(header[22] == 1 && Int(header[24]) | Int(header[25]) << 8 == 8000)  // mono, 8 kHz

                // A text file named .wav, and a WAV at a rate the engine does not convert.
                let broken = pbx.scratch.file("broken.wav")
                try Data("not audio at all".utf8).write(to: broken)
                let refused = try await pbx.cli.run(["prompt", "set", "welcome", "--lang", "hu", broken.path])
                #expect(refused.exitCode == 1)
                #expect(refused.stderr.contains("broken.wav") && refused.stderr.contains("invalid_argument"))
                let odd = pbx.scratch.file("odd-rate.wav")
                try await Sox.sine(odd, rate: 22050, channels: 1, seconds: 0.5, frequency: 500, scratch: pbx.scratch)
                let oddRate = try await pbx.cli.run(["prompt", "set", "welcome", "--lang", "hu", odd.path])
                #expect(oddRate.exitCode == 1 && oddRate.stderr.contains("22050 Hz is not supported"))
                #expect(try await welcome(pbx) == stored)

                let reset = try await pbx.cli.json(PromptInfo.self, ["prompt", "reset", "welcome", "--lang", "hu"])
                #expect(reset == before)
                #expect(try await welcome(pbx) == before)
                let again = try await pbx.cli.run(["prompt", "reset", "welcome", "--lang", "hu"])
                #expect(again.exitCode == 1 && again.stderr.contains("not_found"))

                let usage = try await pbx.cli.run(["prompt", "set", "welcome", "--lang", "de", studio.path])
                #expect(usage.exitCode == 2)
                let missing = try await pbx.cli.run(["prompt", "set", "welcome", pbx.scratch.file("nope.wav").path])
                #expect(missing.exitCode == 2 && missing.stderr.contains("nope.wav"))
            }
        }
    }
}
