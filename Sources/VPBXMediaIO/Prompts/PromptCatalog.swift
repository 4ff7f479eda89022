/// The prompts the call flows use, by name. Their texts (Hungarian and English) live in
/// `prompts/catalog.tsv`, which `scripts/make-prompts.sh` speaks; a test keeps the two lists
/// equal. Administrators may replace any of these and add prompts of their own names.
public enum PromptCatalog {
    /// Languages with default prompts, in fallback order: Hungarian first (DESIGN.md).
    public static let languages = ["hu", "en"]

    /// Every default prompt, in catalog order.
    public static let names: [String] =
        [
            "welcome", "menu-choose", "invalid-choice", "no-input", "closed", "transferring", "please-hold",
            "goodbye",
            "vm-unavailable", "vm-busy", "vm-leave-message", "vm-message-recorded", "vm-enter-mailbox",
            "vm-enter-pin", "vm-wrong-pin", "vm-you-have", "vm-new-message", "vm-new-messages", "vm-saved-messages", "vm-no-messages",
            "vm-no-more-messages", "vm-main-menu", "vm-message-menu", "vm-message-deleted", "vm-message-saved",
            "vm-record-greeting", "vm-options-menu", "vm-greeting-saved",
            "queue-important", "queue-you-are-number", "queue-in-queue", "queue-expected-wait", "queue-minute",
            "queue-minutes", "agent-enter-number", "agent-logged-in", "agent-logged-out", "conf-enter-pin", "conf-full",
            "conf-enter-leader-pin", "conf-wait-leader", "conf-locked", "conf-ended", "conf-removed", "conf-only-person",
            "conf-participants", "forward-on", "forward-off", "dnd-on", "dnd-off",
            "confirm-call", "park-slot", "parking-full",
        ] + (0...20).map(number)

    /// The name of the prompt that says `value`, e.g. "num-7" (the catalog has 0 to 20).
    public static func number(_ value: Int) -> String {
        "num-\(value)"
    }

    /// Whether `name` can name a prompt file: 1-64 characters of a-z, 0-9 and '-', starting
    /// with a letter or digit (so it is safe as a file name everywhere).
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 64, first != "-" else {
            return false
        }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// Whether `language` is one the engine has prompts for.
    public static func isValidLanguage(_ language: String) -> Bool { languages.contains(language) }
}
