import NIOCore

/// Whether a channel is between its first `channelRead` and `channelReadComplete`.
///
/// A response written on the channel's own event loop while the batch is open is only queued;
/// the handler flushes once at `channelReadComplete`, so a burst of requests costs one
/// `sendmmsg`/`writev` instead of one syscall per response.
final class SIPReadBatch: Sendable {
    private let state: NIOLoopBoundBox<Bool>

    init(eventLoop: any EventLoop) {
        self.state = NIOLoopBoundBox(false, eventLoop: eventLoop)
    }

    /// True only when called on the batch's event loop with a read in progress.
    var isOpenHere: Bool {
        self.state.eventLoop.inEventLoop && self.state.value
    }

    /// Called on the event loop by the owning handler.
    func open() { self.state.value = true }

    /// Called on the event loop by the owning handler, right before it flushes.
    func close() { self.state.value = false }
}
