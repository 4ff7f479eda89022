import Dispatch

/// A serial executor on a private dispatch queue: what the core runs on when the engine does not
/// hand it an event loop (unit tests, tools). In the engine the core shares the SIP event loop.
final class QueueExecutor: SerialExecutor, @unchecked Sendable {  // the queue serialises all use
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
