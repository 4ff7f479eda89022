import VPBXMedia

/// What switching do not disturb from a phone needs: the store changed and the core told, as
/// `vpbx ext set --dnd` does.
public protocol DoNotDisturbService: Sendable {
    /// Switches `extensionNumber`'s do not disturb on or off; false when the store refused.
    func setDoNotDisturb(_ on: Bool, of extensionNumber: String) async -> Bool
}

/// `*78` / `*79`, FreePBX's codes: the caller's own extension takes no calls from now on (or
/// again), and hears it said back.
struct DoNotDisturbApplication: Sendable {
    let extensionNumber: String
    let on: Bool
    let service: any DoNotDisturbService
    let prompts: any PromptProvider
    let language: String

    func run(on channel: any MediaChannel) async -> ApplicationOutcome {
        var keypad = KeypadReader(channel: channel, prompts: prompts, language: language)
        defer { keypad.stop() }
        let state = on ? "on" : "off"
        guard await service.setDoNotDisturb(on, of: extensionNumber) else {
            return await keypad.say(["invalid-choice", "goodbye"], then: "dnd=refused")
        }
        return await keypad.say(["dnd-\(state)", "goodbye"], then: "dnd=\(state)")
    }
}
