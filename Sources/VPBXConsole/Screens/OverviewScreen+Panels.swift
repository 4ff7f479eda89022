import Foundation
import VPBXControl
import VPBXTerminal

extension OverviewScreen {
    /// Number, name, presence and registered phones of every extension, whether it is in do
    /// not disturb and where it forwards every call if it does (a receptionist transferring
    /// to it reaches that number, or its voicemail).
    func drawExtensions<C: Canvas>(into canvas: inout C, at area: (row: Int, height: Int), context: ScreenContext) {
        guard area.height >= 2 else { return }
        let model = context.model
        // Only the visible rows are looked up: a console may hold 20,000 extensions.
        let numbers = model.extensionNumbers
        drawPanelTitle(into: &canvas, row: area.row, title: "Extensions (\(numbers.count))", panel: .extensions)
        let width = canvas.size.columns
        let nameWidth = max(4, width - 1 - 7 - 9 - 7 - 3)
        let heading = " " + "Ext".fitted(to: 7) + "Name".fitted(to: nameWidth) + " " + "Presence".fitted(to: 9) + " Phones"
        canvas.put(heading.fitted(to: width), row: area.row + 1, column: 0, role: .muted, attributes: .bold)
        let visible = OverviewLayout.listRows(area.height)
        guard !numbers.isEmpty else {
            canvas.put("  no extensions yet (add one with: vpbx ext add)", row: area.row + 2, column: 0, role: .muted)
            return
        }
        let selected = extensionSelection.resolve(numbers)
        let offset = OverviewLayout.scrollOffset(selected: selected, visible: visible)
        for (line, index) in (offset..<min(numbers.count, offset + visible)).enumerated() {
            guard let info = model.extensions[numbers[index]] else { continue }
            let presence = model.presence(of: info, now: context.now)
            let phones = model.liveRegistrations(of: info.number, now: context.now).count
            let row = area.row + 2 + line
            let isSelected = focus == .extensions && index == selected
            // Do not disturb and the forward target take the end of the name's column, so the
            // columns stay put.
            let forward = (info.doNotDisturb == true ? " DND" : "") + (info.forwardAlways.map { " fwd \($0)" } ?? "")
            let name = info.name.fitted(to: max(4, nameWidth - forward.count)) + forward
            let text = " " + info.number.fitted(to: 6) + " " + name.fitted(to: nameWidth) + " "
            canvas.put(text, row: row, column: 0, role: isSelected ? .selection : .normal)
            canvas.put(presence.label.fitted(to: 9), row: row, column: text.count,
                       role: isSelected ? .selection : Self.role(of: presence), attributes: presence == .free ? [] : .bold)
            let rest = " " + (phones > 0 ? "\(phones)" : "-")
            canvas.put(rest.fitted(to: max(0, width - text.count - 9)), row: row, column: text.count + 9,
                       role: isSelected ? .selection : .normal)
        }
    }

    /// Caller → callee, state and duration of every live call.
    func drawCalls<C: Canvas>(into canvas: inout C, at area: (row: Int, height: Int), context: ScreenContext) {
        guard area.height >= 2 else { return }
        let model = context.model
        let calls = model.sortedCalls
        drawPanelTitle(into: &canvas, row: area.row, title: "Calls (\(calls.count))", panel: .calls)
        let width = canvas.size.columns
        let partyWidth = max(6, (width - 1 - 3 - 1 - 9 - 1 - 8) / 2)
        let heading = " " + "Caller".fitted(to: partyWidth) + "   " + "Callee".fitted(to: partyWidth) + " "
            + "State".fitted(to: 9) + " " + "Duration".fitted(to: 8, alignment: .right)
        canvas.put(heading.fitted(to: width), row: area.row + 1, column: 0, role: .muted, attributes: .bold)
        guard !calls.isEmpty else {
            canvas.put("  no calls in progress", row: area.row + 2, column: 0, role: .muted)
            return
        }
        let visible = OverviewLayout.listRows(area.height)
        let selected = callSelection.resolve(calls.map(\.id))
        let offset = OverviewLayout.scrollOffset(selected: selected, visible: visible)
        for (line, index) in (offset..<min(calls.count, offset + visible)).enumerated() {
            let call = calls[index]
            let caller = Format.party(call.caller, name: call.callerName ?? model.name(of: call.caller))
            let parked = model.parkedCalls[call.id]
            // A parked call waits for whoever dials its slot: who parked it, and where.
            let callee = parked.map { "parked by " + Format.party($0.parkedBy, name: model.name(of: $0.parkedBy)) }
                ?? Format.party(call.callee, name: model.name(of: call.callee))
            let seconds = Int(context.now.timeIntervalSince(call.answeredAt ?? call.startedAt))
            // "confirm": the answering mobile is being asked to press 1, not yet talking.
            let state =
                parked.map { "slot \($0.slot)" }
                ?? (model.confirmingCalls[call.id] == nil ? call.state.rawValue : "confirm")
            let text = " " + caller.fitted(to: partyWidth) + " → " + callee.fitted(to: partyWidth) + " "
                + state.fitted(to: 9) + " " + Format.duration(seconds: seconds).fitted(to: 8, alignment: .right)
            let isSelected = focus == .calls && index == selected
            canvas.put(text.fitted(to: width), row: area.row + 2 + line, column: 0,
                       role: isSelected ? .selection : Self.role(of: call.state))
        }
    }

    static func role(of presence: Presence) -> ColorRole {
        switch presence {
        case .free: return .good
        case .ringing: return .warning
        case .busy: return .danger
        case .offline: return .muted
        }
    }

    static func role(of state: CallState) -> ColorRole {
        state == .answered ? .normal : state == .held ? .muted : .warning
    }
}
