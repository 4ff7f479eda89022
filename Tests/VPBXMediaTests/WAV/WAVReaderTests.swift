import Testing
import VPBXTestSupport

@testable import VPBXMedia

@Suite("WAV reader")
struct WAVReaderTests {
    private let ramp: [Int16] = (0..<400).map { Int16($0 * 80 - 16000) }

    @Test func writtenFileReadsBack() throws {
        let bytes = WAVWriter.write(ramp)
        #expect(bytes.count == 44 + 800)
        let file = try WAVReader.read(bytes, name: "ramp.wav")
        #expect(file.format == WAVFormat(encoding: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16, blockAlign: 2))
        #expect(file.samples == ramp)
        #expect(file.telephoneAudio() == ramp)
        #expect(file.durationMilliseconds == 50)
    }

    @Test func extensiblePCMIsAccepted() throws {
        var builder = WAVBuilder()
        builder.extensibleSubformat = 1
        builder.channels = 2
        builder.sampleRate = 48000
        let file = try WAVReader.read(builder.build(samples: Signals.interleave(ramp, ramp)), name: "x.wav")
        #expect(file.format.channels == 2)
        #expect(file.format.sampleRate == 48000)
        #expect(file.frameCount == ramp.count)
    }

    @Test func extensibleFloatIsRefused() {
        var builder = WAVBuilder()
        builder.extensibleSubformat = 3
        builder.bitsPerSample = 32
        #expect(
            message(builder.build(samples: ramp)) == "f.wav: IEEE float audio is not supported; convert to PCM 16-bit")
    }

    @Test func unknownChunksWithOddSizesAreSkipped() throws {
        var builder = WAVBuilder()
        builder.chunksBeforeFormat = [("JUNK", [1, 2, 3])]
        builder.chunksBeforeData = [("LIST", Array("INFOISFT\u{5}\0\0\0Lavf5".utf8)), ("fact", [0, 0, 0, 0])]
        let file = try WAVReader.read(builder.build(samples: ramp), name: "chunks.wav")
        #expect(file.samples == ramp)
    }

    @Test func oddLengthDataIgnoresTheHalfSample() throws {
        let file = try WAVReader.read(WAVBuilder().build(data: [1, 0, 2, 0, 3]), name: "odd.wav")
        #expect(file.samples == [1, 2])
    }

    @Test func unsupportedRateSaysWhatToProvide() {
        var builder = WAVBuilder()
        builder.sampleRate = 22050
        #expect(
            message(builder.build(samples: ramp), name: "prompt.wav")
                == "prompt.wav: 22050 Hz is not supported; convert to 8000, 16000, 44100 or 48000 Hz PCM 16-bit")
    }

    @Test func eightBitIsRefused() {
        var builder = WAVBuilder()
        builder.bitsPerSample = 8
        #expect(
            message(builder.build(data: [128, 128])) == "f.wav: 8-bit samples are not supported; convert to PCM 16-bit")
    }

    @Test(arguments: [(UInt16(3), "IEEE float"), (6, "A-law"), (7, "µ-law"), (0x55, "MP3")])
    func otherEncodingsAreRefused(tag: UInt16, name: String) {
        var builder = WAVBuilder()
        builder.formatTag = tag
        builder.bitsPerSample = tag == 3 ? 32 : 8
        #expect(
            message(builder.build(data: [0, 0, 0, 0])) == "f.wav: \(name) audio is not supported; convert to PCM 16-bit"
        )
    }

    @Test func moreThanTwoChannelsAreRefused() {
        var builder = WAVBuilder()
        builder.channels = 6
        #expect(message(builder.build(data: [])).contains("6 channels are not supported"))
    }

    @Test func dataLongerThanTheFileIsRefused() {
        var builder = WAVBuilder()
        builder.declaredDataSize = 1000
        #expect(
            message(builder.build(samples: ramp))
                == "f.wav: the data chunk declares 1000 bytes but only 800 follow; export it again")
    }

    @Test func oversizedFormatChunkIsRefused() {
        var bytes = WAVWriter.write(ramp)
        bytes.replaceSubrange(16..<20, with: [0x00, 0x00, 0x01, 0x00])  // 'fmt ' size 65536
        #expect(message(bytes).contains("the 'fmt ' chunk is 65536 bytes"))
    }

    @Test func shortFormatChunkIsRefused() {
        var bytes = WAVWriter.write(ramp)
        bytes.replaceSubrange(16..<20, with: [12, 0, 0, 0])
        #expect(message(bytes).contains("at least 16 needed"))
    }

    @Test func inconsistentBlockAlignIsRefused() {
        var builder = WAVBuilder()
        builder.blockAlign = 3
        #expect(message(builder.build(samples: ramp)).contains("block align 3"))
    }

    @Test func otherFilesAreNotWAV() {
        #expect(message(Array("ID3\u{3}MP3 data here".utf8)).contains("not a WAV file"))
        #expect(message(Array("RIFF\u{4}\0\0\0AVI LIST".utf8)).contains("not WAVE audio"))
        #expect(message([]).contains("not a WAV file"))
    }

    @Test func missingChunksAreNamed() {
        let formatOnly = Array(WAVWriter.write([]).prefix(36))
        #expect(message(formatOnly) == "f.wav: the 'data' chunk is missing; \(advice)")
        let dataOnly = Array("RIFF\u{C}\0\0\0WAVEdata\0\0\0\0".utf8)
        #expect(message(dataOnly) == "f.wav: the 'fmt ' chunk is missing; \(advice)")
    }

    @Test func tooLongPromptsAreRefused() {
        let bytes = WAVWriter.write([Int16](repeating: 0, count: 16001))
        #expect(throws: WAVError.self) { try WAVReader.read(bytes, name: "long.wav", maximumSeconds: 2) }
        #expect((try? WAVReader.read(bytes, name: "long.wav", maximumSeconds: 3)) != nil)
        #expect((try? WAVReader.read(bytes, name: "long.wav", maximumSeconds: .max)) != nil)
    }

    /// Every prefix of a valid file either parses (the data may legitimately end early only if
    /// it declares so) or throws; nothing traps.
    @Test func everyTruncationIsAnErrorNotACrash() throws {
        var builder = WAVBuilder()
        builder.chunksBeforeData = [("LIST", [1, 2, 3, 4, 5])]
        let bytes = builder.build(samples: Array(ramp.prefix(20)))
        for length in 0..<bytes.count {
            #expect(throws: WAVError.self) { try WAVReader.read(Array(bytes.prefix(length)), name: "cut.wav") }
        }
        #expect(try WAVReader.read(bytes, name: "whole.wav").samples == Array(ramp.prefix(20)))
    }

    @Test func garbageAndMutationsNeverTrap() {
        var generator = SeededGenerator(seed: 42)
        let valid = WAVWriter.write(Array(ramp.prefix(64)))
        var parsed = 0
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 3 == 0 {
                bytes = (0..<Int.random(in: 0..<200, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
                if round % 2 == 0 && bytes.count >= 12 {
                    bytes.replaceSubrange(0..<4, with: Array("RIFF".utf8))
                    bytes.replaceSubrange(8..<12, with: Array("WAVE".utf8))
                }
            } else {
                bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
                        in: 0...255, using: &generator)
                }
            }
            if let file = try? WAVReader.read(bytes, name: "fuzz.wav") {
                parsed += 1
                _ = file.telephoneAudio()
            }
        }
        #expect(parsed > 0)  // mutations inside the sample data still parse
    }

    private var advice: String { "provide a PCM 16-bit WAV at 8000, 16000, 44100 or 48000 Hz, mono or stereo" }

    private func message(_ bytes: [UInt8], name: String = "f.wav") -> String {
        do {
            _ = try WAVReader.read(bytes, name: name)
            return "parsed"
        } catch {
            return error.message
        }
    }
}
