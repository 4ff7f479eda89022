import Foundation
import VPBXControl
import VPBXMediaIO

/// `prompt.*` methods over the engine's `PromptLibrary`.
extension ControlHandlers {
    func registerPromptMethods(on router: ControlRouter) {
        router.register(PromptList.self) { params, _ in
            if let language = params.language {
                try Self.checkLanguage(language)
            }
            return await prompts.list(language: params.language).map(Self.info)
        }
        router.register(PromptSet.self) { params, _ in
            guard let bytes = Data(base64Encoded: params.wav) else {
                throw RPCError.invalidArgument("wav is not base64; send the file's bytes base64-encoded", field: "wav")
            }
            let entry = try await promptCall {
                try await prompts.set(
                    params.name, language: params.language, wav: [UInt8](bytes),
                    fileName: params.fileName ?? "\(params.name).wav")
            }
            await publish(
                "prompt", "prompt.changed", ["name": .string(entry.name), "language": .string(entry.language)])
            return Self.info(entry)
        }
        router.register(PromptReset.self) { params, _ in
            let entry = try await promptCall { try await prompts.reset(params.name, language: params.language) }
            await publish(
                "prompt", "prompt.changed", ["name": .string(entry.name), "language": .string(entry.language)])
            return Self.info(entry)
        }
    }

    private func promptCall(_ operation: @Sendable () async throws -> PromptEntry) async throws -> PromptEntry {
        do {
            return try await operation()
        } catch let error as PromptError {
            switch error.code {
            case .invalidArgument: throw RPCError.invalidArgument(error.description, field: nil)
            case .notFound: throw RPCError.notFound(error.description)
            default: throw RPCError.internal(error.description)
            }
        }
    }

    private static func checkLanguage(_ language: String) throws(RPCError) {
        guard PromptCatalog.isValidLanguage(language) else {
            throw RPCError.invalidArgument(
                "language '\(language)' has no prompts: use \(PromptCatalog.languages.joined(separator: " or "))",
                field: "language")
        }
    }

    static func info(_ entry: PromptEntry) -> PromptInfo {
        PromptInfo(
            name: entry.name, language: entry.language,
            source: PromptSourceKind(rawValue: entry.source.rawValue) ?? .missing,
            durationMilliseconds: entry.durationMilliseconds)
    }
}
