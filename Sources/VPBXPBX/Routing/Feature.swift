/// A feature a phone reaches by dialling a code (`*97`): the name administrators use for it,
/// the code it has until they change it, and what it does.
///
/// The catalog is ``all``. A new feature is one line there (its name, default code and
/// summary) plus what dialling it does, in ``DialPlan/featureCode(_:caller:)``; the store, the
/// control methods, the CLI and `vpbx featurecode list` take it from the catalog.
public struct Feature: Sendable, Hashable, Identifiable, CustomStringConvertible {
    /// Lowercase words joined by `-`: `voicemail-own`.
    public let name: String
    /// The code when no override is stored.
    public let defaultCode: String
    /// What dialling it does, one sentence for `vpbx featurecode list`.
    public let summary: String

    public var id: String { name }
    public var description: String { name }

    /// Whether the code is followed by a number (`*2221001`: listen to 1001).
    public let takesNumber: Bool
    /// Whether the code also works alone (`*8` group pickup, `*8101` directed pickup).
    public let numberOptional: Bool

    init(_ name: String, _ defaultCode: String, _ summary: String, takesNumber: Bool = false, numberOptional: Bool = false) {
        self.name = name
        self.defaultCode = defaultCode
        self.summary = summary
        self.takesNumber = takesNumber
        self.numberOptional = numberOptional
    }

    /// Every feature, in the order lists show them.
    public static let all: [Feature] = [
        Feature("voicemail-own", "*97", "your own voicemail box, without a PIN from your own phone"),
        Feature("voicemail-any", "*98", "any voicemail box: asks for the box number and its PIN"),
        Feature(
            "agent-login", "*45",
            "call-center agents: log in at this phone (agent number and PIN), or out if logged in here"),
        Feature(
            "listen", "*222", "supervisors: listen to the call of the extension dialled after the code (*2221001)",
            takesNumber: true),
        Feature(
            "whisper", "*223", "supervisors: talk to the extension dialled after the code; its caller does not hear",
            takesNumber: true),
        Feature(
            "barge", "*224", "supervisors: join the call of the extension dialled after the code, all three talk",
            takesNumber: true),
        Feature(
            "pickup", "*8",
            "answer a call ringing elsewhere: alone, the longest-ringing call in your pickup group; "
                + "followed by an extension (*8101), the call ringing that extension",
            takesNumber: true, numberOptional: true),
        Feature(
            "forward-always", "*72", "forward every call to the number dialled after the code (*721003, *7206301234567)",
            takesNumber: true),
        Feature("forward-always-off", "*73", "switch forwarding of every call off"),
        Feature(
            "forward-busy", "*90", "forward calls while your phones are busy to the number dialled after the code",
            takesNumber: true),
        Feature("forward-busy-off", "*91", "switch forwarding on busy off"),
        Feature(
            "forward-no-answer", "*52",
            "forward calls you do not answer (or while no phone is registered) to the number dialled after the code",
            takesNumber: true),
        Feature("forward-no-answer-off", "*53", "switch forwarding on no answer off"),
        Feature(
            "withhold-number", "*31", "withhold your number on this call out: *31 and the number (*3106301234567)",
            takesNumber: true),
        Feature(
            "show-number", "*32",
            "show your number on this call out though your extension withholds it: *32 and the number (*3206301234567)",
            takesNumber: true),
        Feature(
            "park", "*70",
            "park a call: transfer it to this code (the first free slot) or to the code and a slot (*703); "
                + "it waits with music until picked up, then rings back whoever parked it",
            takesNumber: true, numberOptional: true),
        Feature(
            "park-pickup", "*71", "pick up a parked call: the code and its slot (*713); alone, the call parked longest",
            takesNumber: true, numberOptional: true),
        Feature("dnd-on", "*78", "do not disturb: no call rings your phones (callers go to your voicemail)"),
        Feature("dnd-off", "*79", "switch do not disturb off"),
    ]

    /// The feature called `name`, if the catalog has one.
    public static func named(_ name: String) -> Feature? { all.first { $0.name == name } }

    public static var voicemailOwn: Feature { named("voicemail-own")! }
    public static var voicemailAny: Feature { named("voicemail-any")! }
    public static var agentLogin: Feature { named("agent-login")! }

    public static var pickup: Feature { named("pickup")! }
    public static var withholdNumber: Feature { named("withhold-number")! }
    public static var showNumber: Feature { named("show-number")! }
    public static var park: Feature { named("park")! }
    public static var parkPickup: Feature { named("park-pickup")! }

    /// The feature that sets (`on`) or clears forwarding on `condition`.
    public static func forwarding(_ condition: ForwardingCondition, on: Bool) -> Feature {
        named("forward-\(condition.rawValue)\(on ? "" : "-off")")!
    }

    /// The feature that attaches a supervisor in `mode`.
    public static func monitor(_ mode: MonitorMode) -> Feature { named(mode.rawValue)! }
}
