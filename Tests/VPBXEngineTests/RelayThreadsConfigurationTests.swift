import Foundation
import Testing

@testable import VPBXEngine

/// `--relay-threads` / `relayThreads`: how many threads forward plain bridged calls' RTP.
@Suite struct RelayThreadsConfigurationTests {
    @Test func byDefaultHalfTheCoresForwardMediaAndAlwaysAtLeastOne() {
        let configuration = EngineConfiguration()
        #expect(configuration.relayThreads == nil)
        #expect(configuration.resolvedRelayThreads(cores: 1) == 1)
        #expect(configuration.resolvedRelayThreads(cores: 2) == 1)
        #expect(configuration.resolvedRelayThreads(cores: 3) == 1)
        #expect(configuration.resolvedRelayThreads(cores: 16) == 8)
    }

    @Test func aSetCountHoldsWhateverTheCores() throws {
        var configuration = EngineConfiguration()
        try configuration.setRelayThreads(3)
        #expect(configuration.resolvedRelayThreads(cores: 2) == 3)
        #expect(configuration.resolvedRelayThreads(cores: 64) == 3)
    }

    @Test func theFileSetsIt() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-config-\(UUID().uuidString).json")
        try Data(#"{"relayThreads": 2}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var configuration = EngineConfiguration()
        try configuration.load(file: file.path)
        #expect(configuration.resolvedRelayThreads(cores: 8) == 2)
    }

    @Test(arguments: [0, -1, 65])
    func countsOutsideOneToSixtyFourAreRefusedWithTheReason(count: Int) {
        var configuration = EngineConfiguration()
        let error = #expect(throws: EngineConfigurationError.self) { try configuration.setRelayThreads(count) }
        #expect(error?.description == "relay threads '\(count)' is invalid: expected threads from 1 to 64")
        #expect(configuration.relayThreads == nil)
    }
}
