import VPBXControl
import VPBXPBX
import VPBXStore

/// A setting an extension's owner changes from its phone (forwarding, do not disturb): the
/// store first, then the core, and an `extension.updated` event, as `extension.update` does.
struct ExtensionChangeFromPhone: Sendable {
    let extensions: any ExtensionRepository
    let pbx: PBXCore
    let events: EventHub

    func apply(_ patch: ExtensionPatch, to extensionNumber: String) async throws {
        let updated = try await extensions.update(extensionNumber, with: patch)
        await pbx.extensionChanged(updated)
        _ = await events.publish(
            topic: "extension", type: "extension.updated", data: .object(["number": .string(extensionNumber)]))
    }
}
