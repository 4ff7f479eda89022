import NIOConcurrencyHelpers
import NIOCore

/// Holds the UDP datagrams sent from outside the event loops (by the PBX core) between
/// ``begin()`` and ``end()``, so they leave together: one `sendmmsg` per socket instead of a
/// `sendto` each (``SIPTransport/gatheringSends(_:)``). Nested begins gather until the
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

    /// Keeps `entry` for the end of the gathering; false when none is open.
    func add(_ entry: Entry) -> Bool {
        state.withLockedValue { state in
            guard state.depth > 0 else { return false }
            state.entries.append(entry)
            return true
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
