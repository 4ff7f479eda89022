import Logging
import VPBXStore

/// Serialises every write the core makes (registrations, CDRs) in order, off the SIP path.
/// The core enqueues and moves on; one consumer task applies the writes one by one, so a CDR's
/// `finish` can never overtake its `begin`. `drain()` waits for everything queued so far, which
/// is what a clean shutdown calls before exiting: an accepted CDR is never dropped.
final class WriteBehindQueue: Sendable {
    typealias Write = @Sendable () async throws -> Void

    private let continuation: AsyncStream<Entry>.Continuation
    private let consumer: Task<Void, Never>

    private enum Entry: Sendable {
        case write(String, Write)
        case barrier(CheckedContinuation<Void, Never>)
    }

    init(logger: Logger) {
        let (stream, continuation) = AsyncStream<Entry>.makeStream()
        self.continuation = continuation
        self.consumer = Task {
            for await entry in stream {
                switch entry {
                case .write(let label, let write):
                    // A failed write is retried a few times (SQLITE_BUSY, a full disk being
                    // cleared) before it is logged as lost: losing data is never silent.
                    var attempt = 0
                    while true {
                        do {
                            try await write()
                            break
                        } catch {
                            attempt += 1
                            if attempt >= 5 {
                                logger.error("store write failed, giving up", metadata: ["write": "\(label)", "error": "\(error)"])
                                break
                            }
                            logger.warning("store write failed, retrying", metadata: ["write": "\(label)", "error": "\(error)"])
                            try? await Task.sleep(for: .milliseconds(100 * attempt))
                        }
                    }
                case .barrier(let done):
                    done.resume()
                }
            }
        }
    }

    func enqueue(_ label: String, _ write: @escaping Write) {
        continuation.yield(.write(label, write))
    }

    /// Returns once every write enqueued before the call has been applied.
    func drain() async {
        await withCheckedContinuation { done in continuation.yield(.barrier(done)) }
    }
}
