/// How `vpbx-tui --wallboard` was asked to look.
public struct WallboardOptions: Sendable, Hashable {
    /// These queues in this order; nil: every queue, by name.
    public var queues: [String]?
    public var thresholds: WallboardThresholds

    public init(queues: [String]? = nil, thresholds: WallboardThresholds = WallboardThresholds()) {
        self.queues = queues
        self.thresholds = thresholds
    }

    /// Parses `--queues a,b`: names split at commas, blanks dropped; nil when none remain.
    public static func queueList(_ text: String?) -> [String]? {
        guard let text else { return nil }
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return names.isEmpty ? nil : names
    }
}
