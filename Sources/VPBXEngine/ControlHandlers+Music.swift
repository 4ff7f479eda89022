import Foundation
import VPBXControl
import VPBXMediaIO

/// `moh.*` methods over the engine's `HoldMusicLibrary`.
extension ControlHandlers {
    func registerMusicMethods(on router: ControlRouter) {
        router.register(MusicShow.self) { _, _ in Self.info(music.current) }
        router.register(MusicSet.self) { params, _ in
            guard let bytes = Data(base64Encoded: params.wav) else {
                throw RPCError.invalidArgument("wav is not base64; send the file's bytes base64-encoded", field: "wav")
            }
            let current = try musicCall { try music.set(wav: [UInt8](bytes), fileName: params.fileName ?? "music.wav") }
            await publish("prompt", "moh.changed", ["source": .string(current.source.rawValue)])
            return Self.info(current)
        }
        router.register(MusicReset.self) { _, _ in
            let current = try musicCall { try music.reset() }
            await publish("prompt", "moh.changed", ["source": .string(current.source.rawValue)])
            return Self.info(current)
        }
    }

    private func musicCall(
        _ operation: () throws -> (source: HoldMusicLibrary.Source, durationMilliseconds: Int)
    ) throws -> (source: HoldMusicLibrary.Source, durationMilliseconds: Int) {
        do {
            return try operation()
        } catch let error as PromptError {
            switch error.code {
            case .invalidArgument: throw RPCError.invalidArgument(error.description, field: "wav")
            case .notFound: throw RPCError.notFound(error.description)
            default: throw RPCError.internal(error.description)
            }
        }
    }

    private static func info(_ current: (source: HoldMusicLibrary.Source, durationMilliseconds: Int)) -> MusicInfo {
        MusicInfo(source: current.source == .custom ? .custom : .builtIn, durationMilliseconds: current.durationMilliseconds)
    }
}
