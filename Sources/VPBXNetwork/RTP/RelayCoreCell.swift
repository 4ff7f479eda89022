import NIOCore

/// Where a ``RelaySession`` finds its ``RelayCore``, on the session's event loop.
///
/// A session made from a parked socket set (``RTPRelay/makeSessionAtOnce(bindHost:expectingA:timeoutSuspended:onTimeout:)``)
/// is handed out before its core exists: the core is built by a task on the loop, and the
/// caller (the PBX core) may already have asked the session for things whose tasks reach the
/// loop first (they travel by different routes: the relay's gatherer, a plain `execute`, a
/// monitor's `submit`). Such work waits here and runs, in the order it arrived, once the core
/// is in; after that ``withCore(_:)`` runs at once.
final class RelayCoreCell: @unchecked Sendable {
    // Unchecked: every stored property below is touched only on `eventLoop`, which each
    // method checks, the same contract as NIO's `NIOLoopBound`.
    let eventLoop: any EventLoop
    private var core: RelayCore?
    private var waiting: [(RelayCore) -> Void] = []

    /// A cell whose core a task on `eventLoop` will ``fill(_:)``.
    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// A cell holding `core` already; on the core's loop.
    init(_ core: RelayCore, eventLoop: any EventLoop) {
        eventLoop.preconditionInEventLoop()
        self.eventLoop = eventLoop
        self.core = core
    }

    /// Runs `body` with the core: now when it is in, else as soon as it is.
    func withCore(_ body: @escaping (RelayCore) -> Void) {
        self.eventLoop.preconditionInEventLoop()
        if let core = self.core {
            body(core)
        } else {
            self.waiting.append(body)
        }
    }

    /// Puts the core in and runs the work that waited for it, oldest first. Once only.
    func fill(_ core: RelayCore) {
        self.eventLoop.preconditionInEventLoop()
        precondition(self.core == nil, "a relay session's core is built once")
        self.core = core
        let waiting = self.waiting
        self.waiting = []
        for body in waiting { body(core) }
    }
}
