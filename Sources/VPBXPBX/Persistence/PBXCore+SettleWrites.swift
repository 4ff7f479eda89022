extension PBXCore {
    /// Waits until the CDR and registration writes enqueued so far are in the store, at most
    /// `limit`: a backup taken next then holds every call that ended before it was asked for.
    /// False when the store was still refusing them at the limit (the writes stay queued and
    /// land later, as always).
    public nonisolated func settleStoreWrites(within limit: Duration) async -> Bool {
        await writes.drain(within: limit)
    }
}
