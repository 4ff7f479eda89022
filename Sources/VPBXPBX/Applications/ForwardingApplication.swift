import VPBXMedia

/// The three kinds of call forwarding an extension has (see PBXCore+Forwarding).
public enum ForwardingCondition: String, Sendable, CaseIterable {
    case always, busy
    case noAnswer = "no-answer"
}

/// What setting forwarding from a phone needs: the store changed and the core told, as
/// `vpbx ext set --forward-...` does.
public protocol ForwardingService: Sendable {
    /// Sets `extensionNumber`'s forwarding on `condition` to `target` (as dialled), or clears
    /// it (nil).
    func setForwarding(_ condition: ForwardingCondition, of extensionNumber: String, to target: String?) async
        -> ForwardingChange
}

public enum ForwardingChange: Sendable, Equatable {
    /// Set, to the target as stored (a phone number in E.164).
    case set(String)
    case cleared
    /// Not a number forwarding can use (or the store refused it): nothing changed.
    case refused
}

/// `*72 NUMBER` / `*73` (always), `*90`/`*91` (busy), `*52`/`*53` (no answer), FreePBX's
/// codes: the caller's own extension forwards from now on, and hears it said back with the
/// number, digit by digit, as the number was stored.
struct ForwardingApplication: Sendable {
    let extensionNumber: String
    let condition: ForwardingCondition
    let target: String?
    let service: any ForwardingService
    let prompts: any PromptProvider
    let language: String

    func run(on channel: any MediaChannel) async -> ApplicationOutcome {
        var keypad = KeypadReader(channel: channel, prompts: prompts, language: language)
        defer { keypad.stop() }
        let step = "forward-\(condition.rawValue)"
        switch await service.setForwarding(condition, of: extensionNumber, to: target) {
        case .set(let stored):
            let digits = stored.compactMap(\.wholeNumberValue).map { "num-\($0)" }
            return await keypad.say(["forward-on"] + digits + ["goodbye"], then: "\(step)=on")
        case .cleared:
            return await keypad.say(["forward-off", "goodbye"], then: "\(step)=off")
        case .refused:
            return await keypad.say(["invalid-choice", "goodbye"], then: "\(step)=refused")
        }
    }
}
