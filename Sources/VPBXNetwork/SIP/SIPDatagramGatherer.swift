import NIOConcurrencyHelpers
import NIOCore

/// Holds the UDP datagrams sent from outside the event loops (by the PBX core) between
/// ``begin()`` and ``end()``, so they leave together, up to ``limit`` at a time: one
/// `sendmmsg` per socket instead of a `sendto` each (``SIPTransport/gatheringSends(_:)``). Nested begins gather until the
/// outermost end. Any thread's sends join while gathering; only the core sends from outside
/// the loops, and it ends each gathering when it finishes a batch of its input.
final class SIPDatagramGatherer: Sendable {
    struct Entry {
        let channel: any Channel
        let sender: UDPDirectSender
        let datagram: OutgoingDatagram
    }

    private struct State {
        var depth = 0
        var entries: [Entry] = []
    }

    private let state = NIOLockedValueBox(State())

    func begin() {
        state.withLockedValue { $0.depth += 1 }
    }

    enum Added {
        /// No gathering is open: send it now.
        case notGathered
        /// Kept for the end of the gathering.
        case held
        /// It filled the gathering: send these (it last) now; the gathering goes on.
        case full([Entry])
    }

    /// At most this many datagrams wait: a receiver that gets a whole batch's datagrams at
    /// once (hundreds, when the core is behind) overflows its socket buffer and loses them,
    /// where datagrams sent as they were made had reached it spread over the batch. Measured:
    /// sipp with its default buffer lost thousands of answers at 3,500 calls/s to
    /// unbounded gathering.
    static let limit = 32

    /// Keeps `entry` for the end of the gathering, or hands the held datagrams back to be
    /// sent now when they reach ``limit``.
    func add(_ entry: Entry) -> Added {
        state.withLockedValue { state in
            guard state.depth > 0 else { return .notGathered }
            state.entries.append(entry)
            guard state.entries.count >= Self.limit else { return .held }
            defer { state.entries = [] }
            return .full(state.entries)
        }
    }

    /// Closes one level; the datagrams gathered, in the order sent, when it was the outermost.
    func end() -> [Entry] {
        state.withLockedValue { state in
            state.depth = max(0, state.depth - 1)
            guard state.depth == 0 else { return [] }
            defer { state.entries = [] }
            return state.entries
        }
    }
}

extension SIPDatagramGatherer.Entry {
    /// Consecutive entries through the same socket, in order; a socket's datagrams keep their
    /// order, and different sockets' never depended on each other.
    static func runsBySocket(_ entries: [Self]) -> [(channel: any Channel, sender: UDPDirectSender, datagrams: [OutgoingDatagram])] {
        var runs: [(channel: any Channel, sender: UDPDirectSender, datagrams: [OutgoingDatagram])] = []
        for entry in entries {
            if let index = runs.firstIndex(where: { $0.sender === entry.sender }) {
                runs[index].datagrams.append(entry.datagram)
            } else {
                runs.append((entry.channel, entry.sender, [entry.datagram]))
            }
        }
        return runs
    }
}
