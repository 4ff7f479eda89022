import Foundation
import Testing
import VPBXMediaIO

@testable import VPBXEngine

/// `--recording-key` / `recordingKeys`: the keys call recordings are encrypted with at rest.
@Suite struct RecordingKeyConfigurationTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-keycfg-\(UUID().uuidString)").path

    func keyFile(_ name: String, hex: String, mode: mode_t = 0o600) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        try Data(hex.utf8).write(to: URL(fileURLWithPath: path))
        #expect(chmod(path, mode) == 0)
        return path
    }

    @Test func withoutKeysRecordingsArePlain() throws {
        #expect(try EngineConfiguration().recordingKeyring() == nil)
    }

    @Test func theFileNamesTheKeysAndTheFirstOneEncrypts() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let new = try keyFile("new.key", hex: String(repeating: "ab", count: 32))
        let old = try keyFile("old.key", hex: String(repeating: "01", count: 32))
        let config = directory + "/engine.json"
        try Data(#"{"recordingKeys": ["\#(new)", "\#(old)"]}"#.utf8).write(to: URL(fileURLWithPath: config))
        var configuration = EngineConfiguration()
        try configuration.load(file: config)
        let keyring = try #require(try configuration.recordingKeyring())
        #expect(keyring.all.count == 2)
        #expect(keyring.current.fingerprint == (try RecordingKey(bytes: [UInt8](repeating: 0xab, count: 32))).fingerprint)
    }

    @Test func aKeyThatCannotBeUsedStopsTheStartWithTheReason() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = EngineConfiguration()
        configuration.recordingKeyFiles = [try keyFile("open.key", hex: String(repeating: "ab", count: 32), mode: 0o644)]
        let error = #expect(throws: EngineConfigurationError.self) { try configuration.recordingKeyring() }
        #expect(error?.description.hasPrefix("--recording-key: ") == true && error?.description.contains("chmod 600") == true)
    }
}
