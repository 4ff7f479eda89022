import Synchronization

extension PBXCore {
    /// Waits until the CDR and registration writes enqueued so far are in the store, at most
    /// `limit`: a backup taken next then holds every call that ended before it was asked for.
    /// False when the store was still refusing them at the limit (the writes stay queued and
    /// land later, as always).
    public nonisolated func settleStoreWrites(within limit: Duration) async -> Bool {
        await withCheckedContinuation { (settled: CheckedContinuation<Bool, Never>) in
            // Whichever comes first answers; the drain's wait cannot be cancelled, so the
            // other is merely ignored.
            let answered = Mutex(false)
            let answer: @Sendable (Bool) -> Void = { value in
                if answered.withLock({ done in defer { done = true }; return !done }) { settled.resume(returning: value) }
            }
            Task { [writes] in
                await writes.drain()
                answer(true)
            }
            Task {
                try? await Task.sleep(for: limit)
                answer(false)
            }
        }
    }
}
