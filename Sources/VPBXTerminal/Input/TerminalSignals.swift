import Dispatch
import Foundation

/// Turns SIGINT, SIGTERM and SIGHUP into a callback on a dispatch queue instead of killing
/// the process, so the console can leave curses mode (`endwin`) before exiting. Keep the
/// value alive for as long as the signals should be watched.
public final class TerminalSignals {
    public static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private let sources: [any DispatchSourceSignal]

    /// `handler` runs on a private queue with the signal number.
    public init(_ handler: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "vpbx.terminal-signals")
        sources = Self.handled.map { number in
            signal(number, SIG_IGN)  // the dispatch source still sees it
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    /// Stops watching and restores the default dispositions.
    public func cancel() {
        for source in sources { source.cancel() }
        for number in Self.handled { signal(number, SIG_DFL) }
    }

    deinit { cancel() }
}
