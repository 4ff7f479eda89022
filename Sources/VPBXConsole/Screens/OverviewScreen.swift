import Foundation
import VPBXControl
import VPBXTerminal

/// The main screen: a header with the engine and connection, the extensions with their
/// presence, and the live calls. Tab moves the focus between the two panels.
public struct OverviewScreen: Screen {
    public enum Panel: Sendable, Hashable, CaseIterable {
        case extensions, calls
    }

    public internal(set) var focus: Panel = .extensions
    public internal(set) var extensionSelection = Selection()
    public internal(set) var callSelection = Selection()
    /// While `f` finds an extension: what is typed; nil otherwise.
    public internal(set) var finder: RowFinder?

    public init() {}

    public var isOverlay: Bool { false }

    public var takesText: Bool { finder != nil }

    /// While finding, keys are the text (``RowFinder``).
    public mutating func type(_ key: Key, context: ScreenContext) -> ScreenOutcome {
        guard var finding = finder else { return .ignored }
        let model = context.model
        switch finding.type(key, selection: &extensionSelection, ids: model.extensionNumbers, name: model.name(of:)) {
        case .finding: finder = finding
        case .done: finder = nil
        case .ignored: return .ignored
        }
        return .handled
    }

    public mutating func handle(_ action: ConsoleAction, context: ScreenContext) -> ScreenOutcome {
        let model = context.model
        switch action {
        case .nextPanel, .previousPanel:
            focus = focus == .extensions ? .calls : .extensions
            return .handled
        case .up: return move(by: -1, model: model)
        case .down: return move(by: 1, model: model)
        case .pageUp: return move(by: -10, model: model)
        case .pageDown: return move(by: 10, model: model)
        case .hangUp: return askToHangUp(model: model)
        case .pickUp: return pickUp(context: context)
        case .transfer: return askToTransfer(context: context)
        case .dial: return askToCall(context: context)
        case .dialNumber: return NumberEntry.open(from: context.ownExtension, context: context)
        case .find:
            focus = .extensions
            finder = RowFinder(selectionBefore: extensionSelection)
            return .handled
        default: return .ignored
        }
    }

    /// The call `h` would hang up: the selected call, or the selected extension's call.
    public func callToHangUp(model: ConsoleModel) -> CallInfo? {
        let calls = model.sortedCalls
        switch focus {
        case .calls:
            guard let id = callSelection.selectedID(calls.map(\.id)) else { return nil }
            return model.calls[id]
        case .extensions:
            guard let number = extensionSelection.selectedID(model.extensionNumbers) else { return nil }
            return calls.first { $0.caller == number || $0.callee == number }
        }
    }

    private mutating func move(by delta: Int, model: ConsoleModel) -> ScreenOutcome {
        switch focus {
        case .extensions: extensionSelection.move(by: delta, in: model.extensionNumbers)
        case .calls: callSelection.move(by: delta, in: model.sortedCalls.map(\.id))
        }
        return .handled
    }

    /// `g`: the selected call, if it still rings (or is parked), rings the user's own phone instead.
    private func pickUp(context: ScreenContext) -> ScreenOutcome {
        let model = context.model
        guard model.connection.isConnected else { return .notice("not connected to the engine") }
        guard let own = context.ownExtension else {
            return .notice("start vpbx-tui with --extension YOUR-NUMBER to pick calls up to your phone")
        }
        guard let call = callToHangUp(model: model) else {
            return .notice(focus == .calls ? "no call selected" : "the selected extension is not in a call")
        }
        // A parked call is taken to the phone the same way: the engine rings it there.
        guard call.state == .ringing || call.state == .dialing || model.parkedCalls[call.id] != nil else {
            return .notice("that call is neither ringing nor parked")
        }
        return .run(.pickUpCall(callID: call.id, extensionNumber: own))
    }

    /// `t`: the other party of the user's own answered call (the caller, when the user's phone
    /// answered as a receptionist's does; the callee, when it called out as an agent's does)
    /// is put through to the extension selected in the extensions panel, as the phone's
    /// Transfer key would; asks first.
    private func askToTransfer(context: ScreenContext) -> ScreenOutcome {
        let model = context.model
        let own: String
        let target: String
        switch ownAndSelected(context: context, doing: "transfer your calls", selecting: "to transfer to") {
        case .success(let pair): (own, target) = pair
        case .failure(let notice): return notice.outcome
        }
        guard
            let call = model.sortedCalls.first(where: {
                ($0.callee == own || $0.caller == own) && ($0.state == .answered || $0.state == .held)
            })
        else { return .notice("you have no answered call to transfer") }
        let keepingCallee = call.callee != own
        let other =
            keepingCallee
            ? Format.party(call.callee, name: model.name(of: call.callee))
            : Format.party(call.caller, name: call.callerName ?? model.name(of: call.caller))
        let to = Format.party(target, name: model.name(of: target))
        return .push(
            ConfirmDialog(
                question: "Transfer \(other) to \(to)?",
                command: .transfer(callID: call.id, to: target, keepingCallee: keepingCallee)))
    }

    /// `c`: click-to-call. The engine rings the user's own phone and, once it is picked up,
    /// calls the extension selected in the extensions panel for it; asks first.
    private func askToCall(context: ScreenContext) -> ScreenOutcome {
        let own: String
        let target: String
        switch ownAndSelected(context: context, doing: "call from your phone", selecting: "to call") {
        case .success(let pair): (own, target) = pair
        case .failure(let notice): return notice.outcome
        }
        let to = Format.party(target, name: context.model.name(of: target))
        return .push(
            ConfirmDialog(
                question: "Call \(to)? Your phone \(own) rings first.", command: .originate(from: own, to: target)))
    }

    /// Why a key acting between the user's phone and the selected extension cannot act.
    private struct Notice: Error {
        let text: String
        var outcome: ScreenOutcome { .notice(text) }
    }

    /// The user's own extension and the one selected in the extensions panel, another one; or
    /// what is missing (`doing`: what the key does, for the hint; `selecting`: which extension).
    private func ownAndSelected(context: ScreenContext, doing: String, selecting: String)
        -> Result<(own: String, target: String), Notice>
    {
        let model = context.model
        guard model.connection.isConnected else { return .failure(Notice(text: "not connected to the engine")) }
        guard let own = context.ownExtension else {
            return .failure(Notice(text: "start vpbx-tui with --extension YOUR-NUMBER to \(doing)"))
        }
        guard focus == .extensions, let target = extensionSelection.selectedID(model.extensionNumbers) else {
            return .failure(Notice(text: "select the extension \(selecting) in the extensions panel"))
        }
        guard target != own else { return .failure(Notice(text: "select another extension than your own")) }
        return .success((own, target))
    }

    private func askToHangUp(model: ConsoleModel) -> ScreenOutcome {
        guard model.connection.isConnected else { return .notice("not connected to the engine") }
        guard let call = callToHangUp(model: model) else {
            return .notice(focus == .calls ? "no call selected" : "the selected extension is not in a call")
        }
        let caller = Format.party(call.caller, name: call.callerName ?? model.name(of: call.caller))
        let callee = Format.party(call.callee, name: model.name(of: call.callee))
        return .push(ConfirmDialog(question: "Hang up \(caller) → \(callee)?", command: .hangUp(callID: call.id)))
    }
}
