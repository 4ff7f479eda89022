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

    /// At most this many tasks wait per loop; then they go as one task and gathering goes on.
    /// A batch of the core's input can hold thousands of messages when it is behind, and
    /// closes held for all of it kept that many calls' RTP ports (measured: the port range ran
    /// out at 3,500 calls/s with unbounded gathering; at 4,000 calls/s with 32 it still ran
    /// out in three passes of four, with 8 in one of three, before refusals for overload).
    /// At the rates where the core keeps up a batch seldom asks more of one loop anyway.
    static let limit = 8

    /// Runs `task` on `loop`: at the end of the gathering when one is open (or once ``limit``
    /// tasks for the loop wait), else now.
    func execute(on loop: any EventLoop, _ task: @escaping Task) {
        enum Outcome {
            case held
            case now
            case full([Task])
        }
        let outcome = state.withLockedValue { state -> Outcome in
            guard state.depth > 0 else { return .now }
            guard let index = state.loops.firstIndex(where: { $0.loop === loop }) else {
                state.loops.append((loop, [task]))
                return .held
            }
            state.loops[index].tasks.append(task)
            guard state.loops[index].tasks.count >= Self.limit else { return .held }
            defer { state.loops[index].tasks = [] }
            return .full(state.loops[index].tasks)
        }
        switch outcome {
        case .held: break
        case .now: loop.execute(task)
        case .full(let tasks): loop.execute { for task in tasks { task() } }
        }
    }

    /// Closes one level; at the outermost, each loop gets its gathered tasks as one task.
    func end() {
        let loops = state.withLockedValue { state -> [(loop: any EventLoop, tasks: [Task])] in
            state.depth = max(0, state.depth - 1)
            guard state.depth == 0 else { return [] }
            defer { state.loops = [] }
            return state.loops
        }
        for (loop, tasks) in loops where !tasks.isEmpty {
            loop.execute {
                for task in tasks { task() }
            }
        }
    }
}
