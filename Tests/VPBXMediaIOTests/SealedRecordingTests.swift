import Crypto
import Foundation
import Glibc
import Testing
import VPBXMedia

@testable import VPBXMediaIO

/// Call recordings encrypted at rest: the file holds nothing readable, decrypts to exactly
/// the WAV a plain recording of the same audio would be, refuses damage, a wrong key and
/// a cut, and survives a crash and a full disk like a plain one.
@Suite("Sealed call recordings")
struct SealedRecordingTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-sealed-\(UUID().uuidString)").path
    static let key = try! RecordingKey(bytes: (0..<32).map { UInt8($0) })
    static let otherKey = try! RecordingKey(bytes: (0..<32).map { UInt8(200 - $0) })
    static let keys = try! RecordingKeyring([key])

    typealias Box = CallRecordingFileTests.SummaryBox
    static let frames = CallRecordingFileTests.frames

    /// Writes `pieces` of frames to a new recording at `path` and waits for its summary.
    func record(_ path: String, keys: RecordingKeyring?, pieces: [[Int16]]) async throws -> CallRecordingSummary {
        let done = Box()
        let file = try CallRecordingFile(path: path, sealingWith: keys) { done.set($0) }
        for piece in pieces { file.append(interleaved: piece) }
        file.finish()
        return try await CallRecordingFileTests.summary(of: done)
    }

    func bytes(_ path: String) throws -> [UInt8] { try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) }

    /// 1.5 s in three pieces: one full 32,000-byte chunk and a short last one.
    static let pieces = [frames(3000, 0), frames(7000, 3000), frames(2000, 10_000)]

    @Test func aSealedRecordingDecryptsToExactlyThePlainWAV() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plain = try await record(directory + "/plain.wav", keys: nil, pieces: Self.pieces)
        let sealedPath = directory + "/sealed.wav.enc"
        let sealed = try await record(sealedPath, keys: Self.keys, pieces: Self.pieces)
        #expect(sealed.error == nil && sealed.path == sealedPath)
        #expect(sealed.bytes == plain.bytes && sealed.durationMilliseconds == 1500 && sealed.sha256 == plain.sha256)

        let onDisk = try bytes(sealedPath)
        // The header, two chunks of ciphertext with their tags: 32 + 32,016 + 16,016.
        #expect(onDisk.count == 32 + 32_016 + 16_016)
        #expect(Array(onDisk.prefix(8)) == Array("VPBXREC1".utf8))
        // None of the audio is there in the clear: no 16-byte run of the plain file.
        let plainBytes = try bytes(directory + "/plain.wav")
        let probe = Array(plainBytes[1000..<1016])
        #expect(!onDisk.indices.dropLast(16).contains { Array(onDisk[$0..<($0 + 16)]) == probe })

        let reader = try SealedRecordingReader(path: sealedPath, keys: Self.keys)
        #expect(reader.isFinished && reader.wavSize == plainBytes.count)
        #expect(try reader.read(offset: 0, length: 1 << 20) == plainBytes)
        #expect(try reader.sha256() == plain.sha256)
        // Any piece, across the header and the chunk boundary (byte 44 + 32,000), reads the same.
        for (offset, length) in [(0, 10), (40, 10), (32_030, 40), (44 + 32_000, 1), (47_990, 100), (48_044, 5), (50_000, 5)] {
            let expected = Array(plainBytes[min(offset, plainBytes.count)..<min(offset + length, plainBytes.count)])
            #expect(try reader.read(offset: offset, length: length) == expected, "\(offset)+\(length)")
        }
    }

    @Test func anEmptyRecordingIsAHeaderAndAnEmptyLastChunk() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/empty.wav.enc"
        let summary = try await record(path, keys: Self.keys, pieces: [])
        #expect(summary.durationMilliseconds == 0 && summary.bytes == 44 && summary.error == nil)
        #expect(try bytes(path).count == 32 + 16)
        let wav = try WAVReader.read(try SealedRecordingReader(path: path, keys: Self.keys).read(offset: 0, length: 100), name: "empty")
        #expect(wav.samples.isEmpty && wav.format.channels == 2)
    }

    @Test func aChangedByteIsAnErrorNeverWrongAudio() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/tampered.wav.enc"
        _ = try await record(path, keys: Self.keys, pieces: Self.pieces)
        var onDisk = try bytes(path)
        onDisk[32 + 500] ^= 0x01  // in the first chunk
        try Data(onDisk).write(to: URL(fileURLWithPath: path))
        let reader = try SealedRecordingReader(path: path, keys: Self.keys)  // the last chunk is intact
        #expect(try reader.read(offset: 40_000, length: 100).count == 100)
        #expect(throws: MediaFileError.self) { try reader.read(offset: 100, length: 10) }
        #expect { try reader.sha256() } throws: { "\($0)".contains("chunk 0") && "\($0)".contains("damaged or altered") }

        onDisk[32 + 500] ^= 0x01
        onDisk[20] ^= 0x01  // the nonce prefix in the header: every chunk fails
        try Data(onDisk).write(to: URL(fileURLWithPath: path))
        #expect { try SealedRecordingReader(path: path, keys: Self.keys) } throws: { "\($0)".contains("damaged or altered") }
    }

    @Test func aFileCutAtAChunkBoundaryIsToldFromAFinishedOne() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/cut.wav.enc"
        let summary = try await record(path, keys: Self.keys, pieces: Self.pieces)
        #expect(truncate(path, off_t(32 + 32_016)) == 0)  // the last chunk removed
        let reader = try SealedRecordingReader(path: path, keys: Self.keys)
        #expect(!reader.isFinished && reader.audioBytes == 32_000)
        #expect(try reader.sha256() != summary.sha256)
    }

    @Test func aRecordingNamesTheKeyItNeedsAndAnOlderKeyStillOpensIt() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/old.wav.enc"
        let summary = try await record(path, keys: Self.keys, pieces: Self.pieces)
        #expect { try SealedRecordingReader(path: path, keys: try RecordingKeyring([Self.otherKey])) } throws: { error in
            "\(error)".contains(Self.key.fingerprintText) && "\(error)".contains(Self.otherKey.fingerprintText)
                && "\(error)".contains("--recording-key")
        }
        // After a key change: the new key seals, the old one still opens what it sealed.
        let rotated = try RecordingKeyring([Self.otherKey, Self.key])
        #expect(try SealedRecordingReader(path: path, keys: rotated).sha256() == summary.sha256)
        let newPath = directory + "/new.wav.enc"
        _ = try await record(newPath, keys: rotated, pieces: Self.pieces)
        #expect(throws: MediaFileError.self) { try SealedRecordingReader(path: newPath, keys: Self.keys) }
        #expect(Array(try bytes(newPath)[8..<16]) == Self.otherKey.fingerprint)
    }

    @Test func aPartFileLeftByACrashIsFinishedFromItsWholeChunks() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/r/crashed.wav.enc"
        let file = try CallRecordingFile(path: path, sealingWith: Self.keys) { _ in }
        file.append(interleaved: Self.frames(20_000, 0))  // 2.5 s: two chunks written, half a second waiting
        let partial = path + ".part"
        for _ in 0..<500 {
            let size = (try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0
            if size == 32 + 2 * 32_016 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        // A torn third chunk.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: 7, count: 1000))
        try handle.close()

        let withoutKey = try #require(CallRecordingFile.recover(path: path))
        #expect(withoutKey.error?.contains("--recording-key") == true && withoutKey.sha256 == nil)
        let summary = try #require(CallRecordingFile.recover(path: path, keys: Self.keys))
        #expect(summary.error == nil && summary.durationMilliseconds == 2000 && summary.bytes == 44 + 64_000)
        #expect(!FileManager.default.fileExists(atPath: partial))
        let reader = try SealedRecordingReader(path: path, keys: Self.keys)
        #expect(reader.isFinished)
        let wav = try WAVReader.read(try reader.read(offset: 0, length: 1 << 20), name: "crashed")
        #expect(wav.samples == Self.frames(16_000, 0))
        #expect(summary.sha256 == (try reader.sha256()))
        // Recovering again measures the finished file the same.
        #expect(CallRecordingFile.recover(path: path, keys: Self.keys)?.sha256 == summary.sha256)
    }

    @Test func aCrashAfterTheLastChunkKeepsIt() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/late.wav.enc"
        let summary = try await record(path, keys: Self.keys, pieces: Self.pieces)
        // As if the engine stopped between writing the last chunk and the rename.
        #expect(rename(path, path + ".part") == 0)
        let recovered = try #require(CallRecordingFile.recover(path: path, keys: Self.keys))
        #expect(recovered.sha256 == summary.sha256 && recovered.durationMilliseconds == 1500)
    }

    @Test func aFullDiskKeepsEveryWholeChunkAndStillFinishesTheFile() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/full.wav.enc"
        let done = Box()
        // Room for the header, one chunk and half of the next.
        let disk = CallRecordingFileTests.NearlyFullDisk(room: 32 + 32_016 + 16_000)
        let file = try CallRecordingFile(
            path: path, sealingWith: Self.keys, completion: { done.set($0) }, writeBytes: { disk.write($0, $1, $2) })
        file.append(interleaved: Self.frames(10_000, 0))
        file.append(interleaved: Self.frames(10_000, 10_000))  // the disk fills in this one
        // Once the torn half chunk is cut off, its room is free again: the empty last chunk fits.
        for _ in 0..<500 {
            let size = (try? FileManager.default.attributesOfItem(atPath: path + ".part")[.size] as? Int) ?? 0
            if disk.room.withLock({ $0 }) == 0, size == 32 + 32_016 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        disk.room.withLock { $0 = 16 }
        file.finish()
        let summary = try await CallRecordingFileTests.summary(of: done)
        #expect(summary.error?.contains("disk is full") == true, "\(summary.error ?? "no error")")
        #expect(summary.durationMilliseconds == 1000 && summary.bytes == 44 + 32_000)
        let reader = try SealedRecordingReader(path: path, keys: Self.keys)
        #expect(reader.isFinished && reader.audioBytes == 32_000)
        let wav = try WAVReader.read(try reader.read(offset: 0, length: 1 << 20), name: "full")
        #expect(wav.samples == Self.frames(8000, 0))
        #expect(summary.sha256 == (try reader.sha256()))
    }
}

/// Reading recording key files.
@Suite("Recording keys")
struct RecordingKeyTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-keys-\(UUID().uuidString)").path

    func keyFile(_ name: String, _ content: [UInt8], mode: mode_t = 0o600) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        try Data(content).write(to: URL(fileURLWithPath: path))
        #expect(chmod(path, mode) == 0)
        return path
    }

    @Test func hexDigitsAndRawBytesAreTheSameKey() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let raw: [UInt8] = (0..<32).map { UInt8(($0 * 37 + 11) % 256) }
        let hex = raw.map { String(format: "%02X", $0) }.joined()
        let fromRaw = try RecordingKey.load(path: try keyFile("raw", raw))
        let fromHex = try RecordingKey.load(path: try keyFile("hex", Array(("  " + hex + "\n").utf8)))
        #expect(fromRaw.fingerprint == fromHex.fingerprint && fromRaw.fingerprintText.count == 16)
        #expect(fromRaw.fingerprint != (try RecordingKey(bytes: [UInt8](repeating: 0, count: 32))).fingerprint)
    }

    @Test func aKeyOthersMayReadOrOfTheWrongSizeIsRefusedWithTheReason() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let good = [UInt8](repeating: 9, count: 32)
        #expect { try RecordingKey.load(path: try keyFile("open", good, mode: 0o644)) } throws: {
            "\($0)".contains("chmod 600") && "\($0)".contains("644")
        }
        #expect { try RecordingKey.load(path: try keyFile("short", Array("abcdef".utf8))) } throws: {
            "\($0)".contains("6 bytes") && "\($0)".contains("64 hex digits")
        }
        #expect { try RecordingKey.load(path: try keyFile("nothex", Array(String(repeating: "g", count: 64).utf8))) } throws: {
            "\($0)".contains("64 bytes")
        }
        #expect { try RecordingKey.load(path: directory + "/missing") } throws: { "\($0)".contains("cannot open") }
        let key = try RecordingKey(bytes: good)
        #expect { try RecordingKeyring([key, key]) } throws: { "\($0)".contains("twice") }
        #expect(throws: RecordingKeyError.self) { try RecordingKeyring([]) }
    }
}
