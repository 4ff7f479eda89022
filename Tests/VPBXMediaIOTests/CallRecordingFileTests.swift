import Crypto
import Glibc
import Foundation
import Synchronization
import Testing
import VPBXMedia

@testable import VPBXMediaIO

/// `CallRecordingFile`: a two-channel WAV written as the call goes, finished durably, and
/// recoverable when the engine stopped half way.
@Suite("Call recording files")
struct CallRecordingFileTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-recfile-\(UUID().uuidString)").path

    /// Interleaved stereo: a ramp on the left, its negation on the right.
    static func frames(_ count: Int, from start: Int = 0) -> [Int16] {
        (start..<(start + count)).flatMap { index -> [Int16] in
            let value = Int16(truncatingIfNeeded: index * 3)
            return [value, value == .min ? .max : -value]
        }
    }

    /// Waits for the file's completion (bounded).
    final class SummaryBox: Sendable {
        let value = Mutex<CallRecordingSummary?>(nil)
        func set(_ summary: CallRecordingSummary) { value.withLock { $0 = summary } }
    }

    static func summary(of box: SummaryBox) async throws -> CallRecordingSummary {
        for _ in 0..<500 {
            if let summary = box.value.withLock({ $0 }) { return summary }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CancellationError()
    }

    static func sha256(_ path: String) throws -> String {
        SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).map { String(format: "%02x", $0) }.joined()
    }

    @Test func samplesAppendedInPiecesMakeOneTwoChannelWAVWithItsHash() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/recordings/2026/12/06/call.wav"
        let done = SummaryBox()
        let file = try CallRecordingFile(path: path) { summary in done.set(summary) }
        #expect(FileManager.default.fileExists(atPath: path + ".part"))
        #expect(!FileManager.default.fileExists(atPath: path))
        file.append(interleaved: Self.frames(8000))
        file.append(interleaved: Self.frames(4000, from: 8000))
        file.finish()
        file.finish()  // a second finish changes nothing
        let summary = try await Self.summary(of: done)
        #expect(summary.error == nil && summary.path == path)
        #expect(summary.durationMilliseconds == 1500 && summary.bytes == 44 + 12_000 * 4)
        #expect(!FileManager.default.fileExists(atPath: path + ".part"))
        let wav = try WAVReader.read(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))), name: "call.wav")
        #expect(wav.format.channels == 2 && wav.format.sampleRate == 8000 && wav.format.bitsPerSample == 16)
        #expect(wav.samples == Self.frames(12_000))
        #expect(summary.sha256 == (try Self.sha256(path)))
    }

    @Test func anAbandonedRecordingSaysWhyAndKeepsAValidFile() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/r/abandoned.wav"
        let done = SummaryBox()
        let file = try CallRecordingFile(path: path) { summary in done.set(summary) }
        file.abandon("the call's media went away")
        let summary = try await Self.summary(of: done)
        #expect(summary.error == "the call's media went away" && summary.durationMilliseconds == 0)
        let wav = try WAVReader.read(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))), name: "abandoned.wav")
        #expect(wav.samples.isEmpty && wav.format.channels == 2)
    }

    @Test func aPartFileLeftByACrashIsFinishedFromItsLength() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/r/crashed.wav"
        let file = try CallRecordingFile(path: path) { _ in }
        file.append(interleaved: Self.frames(800))
        // The engine "stops" here: the header still says 0 bytes; wait for the write itself.
        let partial = path + ".part"
        for _ in 0..<500 {
            let size = (try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0
            if size == 44 + 3200 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        // A torn last frame (half a sample pair) is cut off.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([1, 2]))
        try handle.close()

        let summary = try #require(CallRecordingFile.recover(path: path))
        #expect(summary.error == nil && summary.durationMilliseconds == 100 && summary.bytes == 44 + 3200)
        #expect(!FileManager.default.fileExists(atPath: partial))
        let wav = try WAVReader.read(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))), name: "crashed.wav")
        #expect(wav.samples == Self.frames(800))
        #expect(summary.sha256 == (try Self.sha256(path)))
        // Recovering again finds the finished file and measures it the same.
        #expect(CallRecordingFile.recover(path: path)?.sha256 == summary.sha256)
        #expect(CallRecordingFile.recover(path: directory + "/r/never.wav") == nil)
    }

    @Test func aFolderThatCannotBeMadeIsAClearError() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: directory + "/recordings", contents: Data("not a folder".utf8))
        #expect {
            _ = try CallRecordingFile(path: directory + "/recordings/2026/x.wav") { _ in }
        } throws: { error in
            "\(error)".contains("recordings")
        }
    }

    /// A disk with `room` bytes left: writes get what fits (a short write), then ENOSPC.
    final class NearlyFullDisk: Sendable {
        let room: Mutex<Int>
        init(room: Int) { self.room = Mutex(room) }

        func write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
            let allowed = room.withLock { room in
                let allowed = min(room, count)
                room -= allowed
                return allowed
            }
            guard allowed > 0 else {
                errno = ENOSPC
                return -1
            }
            return Glibc.write(fd, buffer, allowed)
        }
    }

    @Test func aFullDiskStopsTheWritingAndKeepsEveryWholeFrameWritten() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/r/full.wav"
        let done = SummaryBox()
        // Room for the header, 1,000 frames and half of one more.
        let disk = NearlyFullDisk(room: 44 + 4000 + 2)
        let file = try CallRecordingFile(
            path: path, completion: { summary in done.set(summary) }, writeBytes: { disk.write($0, $1, $2) })
        file.append(interleaved: Self.frames(600))
        file.append(interleaved: Self.frames(600, from: 600))  // the disk fills in this one
        file.append(interleaved: Self.frames(600, from: 1200))  // not written any more
        file.finish()
        let summary = try await Self.summary(of: done)
        #expect(summary.error?.contains("disk is full") == true, "\(summary.error ?? "no error")")
        #expect(summary.durationMilliseconds == 125 && summary.bytes == 44 + 4000)
        let wav = try WAVReader.read(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))), name: "full.wav")
        #expect(wav.samples == Self.frames(1000))
        #expect(summary.sha256 == (try Self.sha256(path)))
    }
}
