import Foundation
import Testing
import VPBXMedia

@testable import VPBXMediaIO

/// `VoicemailFiles`: where the audio goes, that it is complete or absent, and clear failures.
@Suite("Voicemail files")
struct VoicemailFilesTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-vmfiles-\(UUID().uuidString)")
    var files: VoicemailFiles { VoicemailFiles(dataDirectory: directory.path) }
    let samples: [Int16] = (0..<8000).map { Int16(truncatingIfNeeded: $0 * 7) }

    private func names(_ mailbox: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: files.root.appendingPathComponent(mailbox).path).sorted()
    }

    @Test func messagesAndGreetingsAreWavFilesInTheMailboxFolder() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let id = UUID()
        let path = try files.writeMessage(mailbox: "1001", id: id, samples: samples)
        #expect(path == "voicemail/1001/\(id.uuidString.lowercased()).wav")
        let file = try WAVReader.read(try [UInt8](Data(contentsOf: files.url(path))), name: path)
        #expect(file.format.sampleRate == 8000 && file.format.channels == 1 && file.samples == samples)
        #expect(try files.samples(path) == samples)

        try files.writeGreeting(mailbox: "1001", .busy, samples: samples)
        try files.writeGreeting(mailbox: "1001", .busy, samples: Array(samples.prefix(80)))
        #expect(files.greeting(mailbox: "1001", .busy)?.count == 80)
        #expect(files.greeting(mailbox: "1001", .unavailable) == nil)
        // No temporary files stay behind, and greetings are not messages.
        #expect(try names("1001") == ["\(id.uuidString.lowercased()).wav", "greeting-busy.wav"].sorted())
        #expect(files.messageFiles() == [VoicemailFiles.Found(mailbox: "1001", id: id, path: path)])

        try files.remove(path)
        try files.remove(path)  // already gone: fine
        #expect(files.messageFiles().isEmpty)
        try files.removeMailbox("1001")
        #expect(!FileManager.default.fileExists(atPath: files.root.appendingPathComponent("1001").path))
    }

    @Test func aFileInTheWayOfTheFolderGivesAClearErrorAndNoFile() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: files.root, withIntermediateDirectories: true)
        try Data("not a folder".utf8).write(to: files.root.appendingPathComponent("1001"))
        let error = #expect(throws: MediaFileError.self) {
            try files.writeMessage(mailbox: "1001", id: UUID(), samples: samples)
        }
        #expect(error?.description.contains("voicemail/1001") == true)
        #expect(files.messageFiles().isEmpty)
    }

    @Test(.enabled(if: getuid() != 0, "root writes into read-only folders"))
    func aReadOnlyFolderGivesAClearErrorAndLeavesNoHalfFile() throws {
        defer {
            chmod(files.root.appendingPathComponent("1001").path, 0o755)
            try? FileManager.default.removeItem(at: directory)
        }
        try files.writeGreeting(mailbox: "1001", .busy, samples: samples)
        chmod(files.root.appendingPathComponent("1001").path, 0o555)
        let error = #expect(throws: MediaFileError.self) {
            try files.writeMessage(mailbox: "1001", id: UUID(), samples: samples)
        }
        #expect(error?.description.contains("must be able to write") == true)
        #expect(try names("1001") == ["greeting-busy.wav"])
    }

    @Test func aFullDiskIsNamedAsSuch() {
        let error = MediaFileError.system(ENOSPC, "cannot write x.wav")
        #expect(error.isDiskFull && error.description.contains("disk is full"))
    }
}
