import Foundation

/// Read-only views for the control socket.
extension PBXCore {
    public func callSnapshots() -> [CallSnapshot] {
        (calls.values.map(\.snapshotWithContacts) + originations.values.map(\.snapshot)).sorted { $0.startedAt < $1.startedAt }
    }

    /// Relay counters of a call (nil when it has no media session yet).
    public func mediaCounters(call id: UUID) async -> MediaCounters? {
        guard let media = calls[id]?.media else { return nil }
        return await media.counters()
    }
}

extension PBXCore {
    /// How many dialogs lead to a call: both legs of each call, and the earlier phases of one
    /// handed on. Zero once every call has ended (the tests check that nothing is left behind).
    public var callDialogCount: Int { callByDialog.count }
}
