import VPBXTerminal

/// `d`: a number typed to be called from the user's own phone, as a CRM's click-to-call
/// would (`call.originate`): a customer calling back, an outside number, an extension. The
/// engine rings the user's phone first, then dials the number for it; the engine decides
/// what the number may reach (an extension's outbound class).
///
/// Modal, and it takes the keys as text: digits and `+ * #` go into the field, spaces,
/// dashes, slashes and brackets may be typed as numbers are written (`06 30 123-4567`) and
/// are left out of what is dialled; Enter calls, Esc cancels, Backspace corrects.
public struct NumberEntry: Screen {
    /// The user's phone, which rings first.
    public let from: String
    public private(set) var text = ""
    private var problem: String?

    static let dialled: Set<Character> = Set("0123456789+*#")
    static let separators: Set<Character> = Set(" -/()")
    /// Longer than any E.164 number (15 digits) written with separators and a prefix.
    static let maximumLength = 32

    public init(from: String) { self.from = from }

    /// The box for calling from `phone`, or why it cannot open.
    static func open(from phone: String?, context: ScreenContext) -> ScreenOutcome {
        guard context.model.connection.isConnected else { return .notice("not connected to the engine") }
        guard let phone else { return .notice("start vpbx-tui with --extension YOUR-NUMBER to call from your phone") }
        return .push(NumberEntry(from: phone))
    }

    public var isOverlay: Bool { true }
    public var takesText: Bool { true }

    /// What is dialled: the typed text without its separators.
    public var number: String { String(text.filter { Self.dialled.contains($0) }) }

    public mutating func type(_ key: Key, context: ScreenContext) -> ScreenOutcome {
        switch key {
        case .character(let character):
            guard Self.dialled.contains(character) || Self.separators.contains(character) else {
                problem = "a number has digits, + * # and spaces only"
                return .handled
            }
            guard text.count < Self.maximumLength else {
                problem = "at most \(Self.maximumLength) characters"
                return .handled
            }
            text.append(character)
            problem = nil
            return .handled
        case .backspace, .delete:
            if !text.isEmpty { text.removeLast() }
            problem = nil
            return .handled
        case .enter:
            guard number.contains(where: \.isNumber) else {
                problem = "type the number to call first"
                return .handled
            }
            return .closeAndRun(.originate(from: from, to: number))
        case .escape:
            return .close
        case .control:
            return .ignored  // Ctrl-L still repaints
        default:
            return .handled
        }
    }

    /// Every key reaches ``type(_:context:)`` first; nothing else acts while the box is open.
    public mutating func handle(_ action: ConsoleAction, context: ScreenContext) -> ScreenOutcome {
        .handled
    }

    public func draw<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        let question = "Number to call? Your phone \(from) rings first."
        let hint = "Enter: call   Esc: cancel   Backspace: correct"
        let width = min(max(question.count, hint.count, Self.maximumLength + 2) + 4, canvas.size.columns)
        let box = Rect.centered(height: 6, width: width, in: canvas.size)
        canvas.drawBox(box, title: "Call a number")
        canvas.put(question.fitted(to: box.width - 4), row: box.row + 1, column: box.column + 2, role: .overlay, attributes: .bold)
        canvas.put(("> " + text + "_").fitted(to: box.width - 4), row: box.row + 2, column: box.column + 2, role: .selection)
        canvas.put(
            (problem ?? hint).fitted(to: box.width - 4), row: box.row + 4, column: box.column + 2, role: .overlay,
            attributes: problem == nil ? .dim : .bold)
    }
}
