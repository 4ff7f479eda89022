import Foundation

/// Runs `body` on a thread of its own and returns its result.
///
/// For blocking work in a test (reading a child process's pipe, waiting for it to exit, a
/// blocking `read`) whose other end is served by async code in the same process, such as the
/// in-test engines here. `DispatchQueue.global()` is no escape from the cooperative pool on
/// Linux: Swift's global executor runs on the same libdispatch worker threads. With a few of
/// them blocked in pipe reads, the engine a CLI waits for could not answer until the CLI's
/// own timeout, and a parallel `swift test` stalled for a minute (stop 40: one run in five,
/// stacks taken with gdb showed every worker in `CLITests.runBlocking`).
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.name = "vpbx-test-blocking"
        thread.start()
    }
}
