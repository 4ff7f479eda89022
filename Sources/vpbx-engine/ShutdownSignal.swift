import Dispatch
import Foundation

/// Waits for SIGINT or SIGTERM, or for `drained` (a drain that found no call left). The
/// default handlers are replaced so the engine can end calls and flush CDRs before exiting.
enum ShutdownSignal {
    /// Why the engine stops: `received SIGTERM`, or `drained: no call left`.
    static func wait(orUntil drained: @escaping @Sendable () async -> Void) async -> String {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        return await withCheckedContinuation { continuation in
            let queue = DispatchQueue(label: "vpbx.signals")
            let once = OnceFlag()
            var sources: [DispatchSourceSignal] = []
            for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler {
                    if once.claim() { continuation.resume(returning: "received \(name)") }
                }
                source.resume()
                sources.append(source)
            }
            SignalSources.keep(sources)
            // The drain's wait cannot be cancelled: after a signal it is merely ignored.
            Task {
                await drained()
                // A drain asked for with no call up ends at once: its answer must reach the
                // client (vpbx stop) before the control socket closes.
                try? await Task.sleep(for: .milliseconds(300))
                if once.claim() { continuation.resume(returning: "drained: no call left") }
            }
        }
    }
}

/// Runs `handler` at each SIGHUP (the engine reloads its TLS certificate), instead of the
/// default, which ends the process.
enum ReloadSignal {
    static func install(_ handler: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "vpbx.reload"))
        source.setEventHandler(handler: handler)
        source.resume()
        SignalSources.keep([source])
    }
}

/// Keeps the dispatch sources alive for the life of the process.
enum SignalSources {
    nonisolated(unsafe) private static var retained: [DispatchSourceSignal] = []
    static func keep(_ sources: [DispatchSourceSignal]) { retained += sources }
}

/// Resumes the continuation once even if both signals arrive.
final class OnceFlag: @unchecked Sendable {
    private var claimed = false
    private let lock = NSLock()

    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if claimed { return false }
        claimed = true
        return true
    }
}
