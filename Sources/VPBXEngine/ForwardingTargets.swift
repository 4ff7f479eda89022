import Foundation
import Logging
import VPBXControl
import VPBXPBX
import VPBXStore
import VPBXText

/// How a forwarding target typed by an administrator (`vpbx ext set --forward-busy`) or dialled
/// after a feature code (`*90 0630...`) is kept: an extension or a short number (a route, a
/// queue's number) as it is, a phone number in E.164.
enum ForwardingTargets {
    /// The target as stored, or nil when it is neither (letters, a number the Hungarian
    /// numbering plan does not know). `isExtension` says whether a long digit string is an
    /// extension's number; `local` reads the area's local numbers (kept in E.164, so a later
    /// change of the area does not move the forward) and the outside-line prefix.
    static func normalized(
        _ text: String, local: LocalDialling, isExtension: (String) async throws -> Bool
    ) async rethrows -> String? {
        let compact = text.filter { $0 != " " && $0 != "-" && $0 != "/" }
        let digitsOnly = !compact.isEmpty && compact.allSatisfy { $0.isASCII && $0.isNumber }
        if digitsOnly, compact.count <= 5 { return compact }
        if digitsOnly, try await isExtension(compact) { return compact }
        guard let number = PublicNumber(dialled: compact, local: local), number.reach != .emergency else { return nil }
        return number.e164
    }
}

/// Forwarding set from a phone (`*72 NUMBER`, `*73`...): the store first, then the core, and an
/// `extension.updated` event, as `extension.update` does.
struct EngineForwarding: ForwardingService {
    let extensions: any ExtensionRepository
    let pbx: PBXCore
    let events: EventHub
    let logger: Logger

    func setForwarding(_ condition: ForwardingCondition, of extensionNumber: String, to target: String?) async
        -> ForwardingChange
    {
        var stored: String?
        if let target {
            let local = await pbx.localDialling()
            stored = try? await ForwardingTargets.normalized(target, local: local) {
                try await extensions.get($0) != nil
            }
            guard stored != nil else {
                logger.notice(
                    "forwarding from a phone refused: not a number",
                    metadata: ["extension": "\(extensionNumber)", "target": "\(target)"])
                return .refused
            }
        }
        let value: ExtensionPatch.Nullable<String> = stored.map { .set($0) } ?? .clear
        var patch = ExtensionPatch()
        switch condition {
        case .always: patch.forwardAlways = value
        case .busy: patch.forwardBusy = value
        case .noAnswer: patch.forwardNoAnswer = value
        }
        do {
            try await ExtensionChangeFromPhone(extensions: extensions, pbx: pbx, events: events)
                .apply(patch, to: extensionNumber)
            logger.notice(
                "forwarding set from a phone",
                metadata: [
                    "extension": "\(extensionNumber)", "condition": "\(condition.rawValue)",
                    "target": "\(stored ?? "off")",
                ])
            return stored.map { .set($0) } ?? .cleared
        } catch {
            logger.notice(
                "forwarding from a phone refused",
                metadata: ["extension": "\(extensionNumber)", "target": "\(target ?? "off")", "error": "\(error)"])
            return .refused
        }
    }
}
