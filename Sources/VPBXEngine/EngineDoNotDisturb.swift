import Logging
import VPBXPBX
import VPBXStore

/// Do not disturb switched from a phone (`*78`, `*79`).
struct EngineDoNotDisturb: DoNotDisturbService {
    let change: ExtensionChangeFromPhone
    let logger: Logger

    func setDoNotDisturb(_ on: Bool, of extensionNumber: String) async -> Bool {
        do {
            try await change.apply(ExtensionPatch(doNotDisturb: on), to: extensionNumber)
            logger.notice(
                "do not disturb set from a phone", metadata: ["extension": "\(extensionNumber)", "on": "\(on)"])
            return true
        } catch {
            logger.notice(
                "do not disturb from a phone refused", metadata: ["extension": "\(extensionNumber)", "error": "\(error)"])
            return false
        }
    }
}
