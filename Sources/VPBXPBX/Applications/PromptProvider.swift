import VPBXMedia

/// Turns prompt names into audio for a channel. The engine adapts its prompt library (files,
/// per language, with fallbacks); tests use generated tones.
public protocol PromptProvider: Sendable {
    /// The prompts in order, in `language` where available; unknown names are skipped (and
    /// logged by the implementation), so a missing file never silences a whole menu.
    func items(_ names: [String], language: String, bargeIn: Bool) async -> [PlayItem]
}
