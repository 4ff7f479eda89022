import Foundation
import VPBXTerminal

/// `f`: finds a row as its number or name is typed, as a receptionist looks for "Kovács"
/// among hundreds of extensions or a supervisor for an agent: the selection jumps to the
/// first row whose id (an extension's or agent's number, a queue's name) starts with the
/// text or whose name contains it, case and accents ignored (`kovacs` finds Kovács). The
/// overview finds extensions, the queues screen queues or agents (the focused panel's), the
/// agent screen the agent's queues.
public struct RowFinder: Sendable, Hashable {
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

    /// The rows of `ids` (in their order) that `text` finds; none for no text.
    func matches(in ids: [String], name: (String) -> String?) -> [String] {
        let query = Self.folded(text.trimmingCharacters(in: .whitespaces))
        guard !query.isEmpty else { return [] }
        return ids.filter { id in
            Self.folded(id).hasPrefix(query) || name(id).map { Self.folded($0).contains(query) } == true
        }
    }

    /// What a key typed while finding did.
    enum Step {
        /// Still finding (the text or the selection changed, or nothing did).
        case finding
        /// Enter kept the selection, Esc put the one before back: the find is over.
        case done
        /// Not the finder's key (Ctrl-L still repaints).
        case ignored
    }

    /// A key typed while finding among `ids`: each text change moves `selection` to the first
    /// row found; ↓ and ↑ go to the next and the previous one found.
    mutating func type(_ key: Key, selection: inout Selection, ids: [String], name: (String) -> String?) -> Step {
        switch key {
        case .character(let character):
            append(character)
            if let first = matches(in: ids, name: name).first { selection.select(first, in: ids) }
        case .backspace, .delete:
            removeLast()
            if let first = matches(in: ids, name: name).first { selection.select(first, in: ids) }
        case .down, .up:
            let found = matches(in: ids, name: name)
            guard !found.isEmpty else { return .finding }
            let current = selection.selectedID(ids).flatMap { found.firstIndex(of: $0) } ?? -1
            let next = (current + (key == .down ? 1 : -1) + found.count) % found.count
            selection.select(found[next], in: ids)
        case .enter:
            return .done
        case .escape:
            selection = selectionBefore
            return .done
        case .control:
            return .ignored
        default:
            break
        }
        return .finding
    }

    /// The footer while finding, in place of the keys: the text, how many rows it finds
    /// (before any text: what to type), the keys that step and end the find.
    func drawFooter<C: Canvas>(into canvas: inout C, row: Int, found: Int, typing: String) {
        let count = text.isEmpty ? "type \(typing)" : found == 1 ? "1 found" : "\(found) found"
        let line = " Find: \(text)_  (\(count); ↓↑ next/previous, Enter: done, Esc: back)"
        canvas.put(line.fitted(to: canvas.size.columns), row: row, column: 0, role: .overlay, attributes: .bold)
    }

    /// Lower case without accents: how names are compared.
    static func folded(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "en_US_POSIX"))
    }
}
