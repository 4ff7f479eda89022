import Foundation
import Testing

@testable import VPBXEngine

/// `maxCalls`, `overloadDelay`, `authFailLimit` and `authBanTime` in the configuration file, as
/// vpbx-engine(8) documents them.
@Suite struct EngineConfigurationAdmissionTests {
    private func load(_ json: String) throws -> EngineConfiguration {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-config-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var configuration = EngineConfiguration()
        try configuration.load(file: file.path)
        return configuration
    }

    @Test func defaultsShedAt300MillisecondsWithoutACallLimit() {
        let configuration = EngineConfiguration()
        #expect(configuration.maximumCalls == nil)
        #expect(configuration.overloadQueueDelay == .milliseconds(300))
    }

    @Test func theFileSetsTheLimitAndZeroTurnsSheddingOff() throws {
        let configuration = try load(#"{"maxCalls": 50, "overloadDelay": 0}"#)
        #expect(configuration.maximumCalls == 50)
        #expect(configuration.overloadQueueDelay == nil)
        #expect(try load(#"{"overloadDelay": 350}"#).overloadQueueDelay == .milliseconds(350))
    }

    @Test func banningDefaultsToTenFailuresAndFifteenMinutesAndTheFileChangesBoth() throws {
        #expect(EngineConfiguration().authFailureLimit == 10)
        #expect(EngineConfiguration().authBanSeconds == 900)
        let configuration = try load(#"{"authFailLimit": 0, "authBanTime": 3600, "authBanExempt": ["198.51.100.0/24"]}"#)
        #expect(configuration.authFailureLimit == 0)
        #expect(configuration.authBanSeconds == 3600)
        #expect(try configuration.banExemptNetworks().map(\.description) == ["198.51.100.0/24"])
    }

    @Test(arguments: [
        #"{"maxCalls": 0}"#, #"{"overloadDelay": -1}"#, #"{"overloadDelay": 60001}"#, #"{"authFailLimit": -1}"#,
        #"{"authBanTime": 0}"#,
    ])
    func badValuesAreRefusedWithTheReason(json: String) {
        let error = #expect(throws: EngineConfigurationError.self) { try load(json) }
        #expect(error?.description.contains("is invalid") == true)
    }
}
