import Foundation

/// `f` on the overview: finds an extension as its number or name is typed, as a
/// receptionist looks for "Kovács" among hundreds: the selection jumps to the first
/// extension whose number starts with the text or whose name contains it, case and accents
/// ignored (`kovacs` finds Kovács).
public struct ExtensionFinder: Sendable, Hashable {
    public private(set) var text = ""
    /// The selection before the find began, for Esc.
    let selectionBefore: Selection

    /// The longest text kept: more than any name needs.
    static let maximumLength = 40

    init(selectionBefore: Selection) { self.selectionBefore = selectionBefore }

    mutating func append(_ character: Character) {
        guard text.count < Self.maximumLength else { return }
        text.append(character)
    }

    mutating func removeLast() {
        if !text.isEmpty { text.removeLast() }
    }

    /// The extensions of `numbers` (in their order) that `text` finds; none for no text.
    func matches(in numbers: [String], name: (String) -> String?) -> [String] {
        let query = Self.folded(text.trimmingCharacters(in: .whitespaces))
        guard !query.isEmpty else { return [] }
        return numbers.filter { number in
            number.hasPrefix(query) || name(number).map { Self.folded($0).contains(query) } == true
        }
    }

    /// Lower case without accents: how names are compared.
    static func folded(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "en_US_POSIX"))
    }
}
