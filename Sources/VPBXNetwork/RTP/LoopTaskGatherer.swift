import NIOConcurrencyHelpers
import NIOCore

/// Holds the tasks handed to event loops between ``begin()`` and ``end()`` and gives each loop
/// its share in one task at the end; outside a gathering a task goes to its loop at once.
///
/// The PBX core sets up, points and closes relay sessions while it handles a batch of SIP
/// input, and each of those steps is a task on the session's loop. A loop that went to sleep
/// between two tasks is woken for each (an eventfd write and a context switch): under call
/// load about two per call from the core alone. Gathered per batch they share one wake-up per
/// loop. A loop's tasks run in the order given; tasks for different loops never had an order.
/// Nested begins gather until the outermost end; any thread's tasks join while gathering (only
/// the core gathers, and it ends each gathering when it finishes a batch).
final class LoopTaskGatherer: Sendable {
    typealias Task = @Sendable () -> Void

    private struct State {
        var depth = 0
        var loops: [(loop: any EventLoop, tasks: [Task])] = []
    }

    private let state = NIOLockedValueBox(State())

    func begin() {
        state.withLockedValue { $0.depth += 1 }
    }

    /// Runs `task` on `loop`: at the end of the gathering when one is open, else now.
    func execute(on loop: any EventLoop, _ task: @escaping Task) {
        let gathered = state.withLockedValue { state -> Bool in
            guard state.depth > 0 else { return false }
            if let index = state.loops.firstIndex(where: { $0.loop === loop }) {
                state.loops[index].tasks.append(task)
            } else {
                state.loops.append((loop, [task]))
            }
            return true
        }
        if !gathered { loop.execute(task) }
    }

    /// Closes one level; at the outermost, each loop gets its gathered tasks as one task.
    func end() {
        let loops = state.withLockedValue { state -> [(loop: any EventLoop, tasks: [Task])] in
            state.depth = max(0, state.depth - 1)
            guard state.depth == 0 else { return [] }
            defer { state.loops = [] }
            return state.loops
        }
        for (loop, tasks) in loops {
            loop.execute {
                for task in tasks { task() }
            }
        }
    }
}
