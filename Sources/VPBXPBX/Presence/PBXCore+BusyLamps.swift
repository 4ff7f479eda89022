import Foundation
import VPBXSignaling

/// Busy lamp fields: phones SUBSCRIBE to `dialog` (RFC 4235) for any extension and get a
/// NOTIFY with its calls at once and whenever they change (ringing, answered, ended), so
/// the receptionist's lamps show who is free, who rings (and who calls) and who talks.
///
/// The core looks once after each run of changes, not at each: any event while phones watch
/// queues one look (``Input/publishDialogStates``), which runs after the work queued before
/// it, when a hand-on has rung its new legs too. Each look walks the calls once, and only
/// while someone watches; a watched extension's phones hear of it only when what they would
/// be told differs from the last time.
extension PBXCore {
    /// A change of calls that no event reports (a ringing phone refused, was cancelled, or a
    /// new phase rings): a look for the busy lamps, if anyone watches.
    func noteDialogChange() {
        if !dialogWatchers.isEmpty { dialogStatesMayHaveChanged() }
    }

    func dialogStatesMayHaveChanged() {
        guard !dialogStatesQueued else { return }
        dialogStatesQueued = true
        inputSink(.publishDialogStates)
    }

    func publishDialogStates() {
        dialogStatesQueued = false
        guard !dialogWatchers.isEmpty else { return }
        let infos = dialogInfos(of: Set(dialogWatchers.keys))
        let now = Date()
        for (number, watchers) in dialogWatchers {
            let info = infos[number] ?? DialogInfo(number: number, host: configuration.advertisedHost)
            let signature = info.signature
            guard publishedDialogStates[number] != signature else { continue }
            publishedDialogStates[number] = signature
            for id in watchers {
                guard let subscription = subscriptions[id] else { continue }
                sendNotify(
                    id, state: "active;expires=\(max(0, Int(subscription.expiresAt.timeIntervalSince(now))))",
                    dialogInfo: info)
            }
        }
    }

    /// One extension's calls now.
    func dialogInfo(of number: String) -> DialogInfo {
        dialogInfos(of: [number])[number] ?? DialogInfo(number: number, host: configuration.advertisedHost)
    }

    /// The calls of `watched` extensions, in one walk over the calls: a call an extension
    /// made (trying, ringing, answered), and one that rings it or that it answered (an
    /// extension rung on several phones is one dialog).
    private func dialogInfos(of watched: Set<String>) -> [String: DialogInfo] {
        var infos: [String: DialogInfo] = [:]
        func add(_ entry: DialogInfo.Entry, to number: String) {
            infos[number, default: DialogInfo(number: number, host: configuration.advertisedHost)].entries.append(entry)
        }
        for call in calls.values where call.state != .ending {
            let id = call.id.lowercaseText
            if watched.contains(call.caller) {
                let state: DialogInfo.Entry.State =
                    call.answeredAt != nil ? .confirmed : call.state == .ringing ? .early : .trying
                add(.init(id: "\(id)-out", direction: .initiator, state: state, remote: call.callee, remoteName: nil), to: call.caller)
            }
            var seen: Set<String> = []
            for index in call.legs.indices {
                guard let number = call.legs[index].extensionNumber, watched.contains(number), !seen.contains(number)
                else { continue }
                let leg = call.legs[index]
                // A transferring phone's leg is the call's until the target answers.
                let talking = leg.state == .answered && (index == call.answeredLeg || index == call.applicationLeg)
                guard talking || (!leg.isDone && leg.state != .answered) else { continue }
                seen.insert(number)
                var entry = DialogInfo.Entry(
                    id: "\(id)-in-\(number)", direction: .recipient, state: talking ? .confirmed : .early,
                    remote: call.caller, remoteName: call.callerName)
                if !talking, let tag = leg.earlyTag {
                    entry.early = DialogInfo.EarlyDialog(callID: call.calleeCallID, localTag: tag, remoteTag: call.calleeFromTag)
                }
                add(entry, to: number)
            }
        }
        // Park slots' lamps: a call parked on the slot is a call in progress there (a
        // phone's lamp shows it busy; pressing the key dials the code, which takes it).
        // (An extension's number is no slot: skipped before the feature codes are read.)
        for number in watched where directory[number] == nil {
            guard let slot = parkSlot(watchedAs: number), let parked = parking.call(on: slot),
                let call = calls[parked.callID], call.state != .ending
            else { continue }
            add(
                .init(
                    id: "\(parked.callID.lowercaseText)-park-\(slot)", direction: .recipient, state: .confirmed,
                    remote: parked.caller, remoteName: parked.callerName), to: number)
        }
        return infos
    }

    /// The park slot whose call dialling `number` takes (`*713`: slot 3), if it is one of
    /// the lot's.
    func parkSlot(watchedAs number: String) -> Int? {
        guard let (feature, digits) = dialPlan.featureCodes.feature(dialled: number), feature == .parkPickup,
            let slot = DialPlan.parkSlot(digits), parking.slots.contains(slot)
        else { return nil }
        return slot
    }
}
