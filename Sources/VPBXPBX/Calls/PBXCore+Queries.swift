import Foundation

/// Read-only views for the control socket.
extension PBXCore {
    public func callSnapshots() -> [CallSnapshot] {
        calls.values.map(\.snapshotWithContacts).sorted { $0.startedAt < $1.startedAt }
    }

    /// Relay counters of a call (nil when it has no media session yet).
    public func mediaCounters(call id: UUID) async -> MediaCounters? {
        guard let media = calls[id]?.media else { return nil }
        return await media.counters()
    }
}
