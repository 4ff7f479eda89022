import Foundation
import Testing
import VPBXStore

/// The feature code contract, run against every backend: only changed codes are stored.
@Suite("FeatureCodeRepository contract")
struct FeatureCodeRepositoryContractTests {
    @Test("a code is set, replaced and reset; a fresh store has no overrides", arguments: StoreBackend.allCases)
    func setReplaceReset(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let fresh = try await repos.featureCodes.overrides()
            #expect(fresh.isEmpty)
            try await repos.featureCodes.set(FeatureCodeRecord(name: "voicemail-own", code: "*55"))
            try await repos.featureCodes.set(FeatureCodeRecord(name: "voicemail-any", code: "#9"))
            let two = try await repos.featureCodes.overrides()
            #expect(
                two == [
                    FeatureCodeRecord(name: "voicemail-any", code: "#9"),
                    FeatureCodeRecord(name: "voicemail-own", code: "*55"),
                ])
            // Setting again replaces, and a feature may take back its own code.
            try await repos.featureCodes.set(FeatureCodeRecord(name: "voicemail-own", code: "*123456"))
            try await repos.featureCodes.set(FeatureCodeRecord(name: "voicemail-own", code: "*123456"))
            let replaced = try await repos.featureCodes.overrides()
            #expect(replaced.map(\.code) == ["#9", "*123456"])

            let removed = try await repos.featureCodes.reset("voicemail-own")
            #expect(removed)
            let again = try await repos.featureCodes.reset("voicemail-own")
            #expect(!again)
            let left = try await repos.featureCodes.overrides()
            #expect(left == [FeatureCodeRecord(name: "voicemail-any", code: "#9")])
        }
    }

    @Test("two features cannot share a code: conflict naming the other one", arguments: StoreBackend.allCases)
    func sharedCodeIsAConflict(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            try await repos.featureCodes.set(FeatureCodeRecord(name: "voicemail-own", code: "*55"))
            let error = await #expect(throws: StoreError.self) {
                try await repos.featureCodes.set(FeatureCodeRecord(name: "voicemail-any", code: "*55"))
            }
            #expect(error?.kind == .conflict)
            #expect(error?.message.contains("voicemail-own") == true, "\(String(describing: error))")
            let stored = try await repos.featureCodes.overrides()
            #expect(stored == [FeatureCodeRecord(name: "voicemail-own", code: "*55")])
            // Once the first moves away, the code is free.
            try await repos.featureCodes.reset("voicemail-own")
            try await repos.featureCodes.set(FeatureCodeRecord(name: "voicemail-any", code: "*55"))
        }
    }

    @Test(
        "malformed codes and names are refused with the rule, and nothing is stored",
        arguments: StoreBackend.allCases)
    func malformedIsRefused(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let bad = [
                FeatureCodeRecord(name: "voicemail-own", code: "97"),
                FeatureCodeRecord(name: "voicemail-own", code: "*"),
                FeatureCodeRecord(name: "voicemail-own", code: "*1234567"),
                FeatureCodeRecord(name: "voicemail-own", code: "**9"),
                FeatureCodeRecord(name: "voicemail-own", code: "*9a"),
                FeatureCodeRecord(name: "voicemail-own", code: " *97"),
                FeatureCodeRecord(name: "voicemail-own", code: ""),
                FeatureCodeRecord(name: "Voicemail", code: "*97"),
                FeatureCodeRecord(name: "", code: "*97"),
            ]
            for record in bad {
                let error = await #expect(throws: StoreError.self) { try await repos.featureCodes.set(record) }
                #expect(error?.kind == .invalidArgument, "\(record)")
            }
            let codeError = await #expect(throws: StoreError.self) {
                try await repos.featureCodes.set(FeatureCodeRecord(name: "voicemail-own", code: "97"))
            }
            #expect(codeError?.message.contains("* or # followed by 1 to 6 digits") == true)
            let stored = try await repos.featureCodes.overrides()
            #expect(stored.isEmpty)
        }
    }
}
