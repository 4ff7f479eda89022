import Foundation
import VPBXControl
import VPBXMediaIO

/// `moh.*` methods over the engine's `HoldMusicLibrary`: the default class (every hold, and
/// queues without a class) and named classes that queues choose.
extension ControlHandlers {
    func registerMusicMethods(on router: ControlRouter) {
        router.register(MusicShow.self) { params, _ in
            let name = params.musicClass ?? HoldMusicLibrary.defaultClass
            guard let info = music.info(of: name) else {
                throw RPCError.notFound("there is no music class \(name) (vpbx moh list)")
            }
            return Self.info(info)
        }
        router.register(MusicList.self) { _, _ in music.list().map(Self.info) }
        router.register(MusicSet.self) { params, _ in
            guard let bytes = Data(base64Encoded: params.wav) else {
                throw RPCError.invalidArgument("wav is not base64; send the file's bytes base64-encoded", field: "wav")
            }
            let name = params.musicClass ?? HoldMusicLibrary.defaultClass
            let info = try musicCall {
                try music.set(wav: [UInt8](bytes), fileName: params.fileName ?? "music.wav", musicClass: name)
            }
            await publish("prompt", "moh.changed", ["class": .string(name), "source": .string(info.source.rawValue)])
            return Self.info(info)
        }
        router.register(MusicReset.self) { params, _ in
            let name = params.musicClass ?? HoldMusicLibrary.defaultClass
            if name != HoldMusicLibrary.defaultClass {
                let users = try await storeCall { try await self.queues.list() }.filter { $0.musicClass == name }
                guard users.isEmpty else {
                    throw RPCError.conflict(
                        "music class \(name) is the music of queue \(users.map(\.name).joined(separator: ", ")); "
                            + "give them another class first (vpbx queue set NAME --music default)")
                }
            }
            let info = try musicCall { try music.reset(musicClass: name) }
            await publish("prompt", "moh.changed", ["class": .string(name), "source": .string(info.source.rawValue)])
            return Self.info(info)
        }
    }

    private func musicCall(_ operation: () throws -> HoldMusicLibrary.ClassInfo) throws -> HoldMusicLibrary.ClassInfo {
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

    private static func info(_ info: HoldMusicLibrary.ClassInfo) -> MusicInfo {
        MusicInfo(
            source: info.source == .custom ? .custom : .builtIn, durationMilliseconds: info.durationMilliseconds,
            musicClass: info.name)
    }
}
