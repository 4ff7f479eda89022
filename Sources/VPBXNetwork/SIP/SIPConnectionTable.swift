import NIOConcurrencyHelpers
import NIOCore

/// The open TCP and TLS connections of a transport, by identity (to answer on the connection a
/// request came on) and by remote address and transport (to reuse one for outbound requests:
/// a request for TLS never goes on a plain TCP connection to the same address, nor the other
/// way round, and a request to a trunk over TLS only on a connection whose certificate was
/// checked for that trunk's host). Entries go away when their connection closes.
final class SIPConnectionTable: Sendable {
    /// A remote address, whether its connection is TLS, and for a TLS connection opened to a
    /// trunk the host its certificate was checked for (nil: unchecked, a phone's or one the
    /// peer opened).
    struct Peer: Hashable {
        let address: SocketAddress
        let secure: Bool
        var checkedFor: String? = nil
    }

    private enum Entry {
        case connecting(EventLoopFuture<any Channel>)
        case open(SIPConnectionID, any Channel)
    }

    private struct State {
        var byAddress: [Peer: Entry] = [:]
        var byID: [SIPConnectionID: any Channel] = [:]
        /// Connections kept open however idle until then: they carry a registration, and a
        /// phone behind NAT can be reached only through the connection it registered on.
        var heldUntil: [SIPConnectionID: NIODeadline] = [:]
        var nextID: UInt64 = 1
    }

    private let state = NIOLockedValueBox(State())

    func makeID() -> SIPConnectionID {
        state.withLockedValue { state in
            defer { state.nextID += 1 }
            return SIPConnectionID(rawValue: state.nextID)
        }
    }

    var count: Int { state.withLockedValue { $0.byID.count } }

    func opened(_ id: SIPConnectionID, channel: any Channel, remote: Peer) {
        state.withLockedValue { state in
            state.byID[id] = channel
            state.byAddress[remote] = .open(id, channel)
        }
    }

    func closed(_ id: SIPConnectionID, remote: Peer?) {
        state.withLockedValue { state in
            state.byID[id] = nil
            state.heldUntil[id] = nil
            if let remote, case .open(let openID, _) = state.byAddress[remote], openID == id {
                state.byAddress[remote] = nil
            }
        }
    }

    /// Keeps the open connection `id` from being closed for idleness before `deadline` (a
    /// later deadline already set stays). Nothing for a connection that is not open.
    func hold(_ id: SIPConnectionID, until deadline: NIODeadline) {
        state.withLockedValue { state in
            guard state.byID[id] != nil else { return }
            state.heldUntil[id] = max(deadline, state.heldUntil[id] ?? deadline)
        }
    }

    /// Ends `id`'s hold, whatever its deadline.
    func release(_ id: SIPConnectionID) {
        state.withLockedValue { state in state.heldUntil[id] = nil }
    }

    /// Whether `id` is held open at `now` (``hold(_:until:)``).
    func isHeld(_ id: SIPConnectionID, at now: NIODeadline) -> Bool {
        state.withLockedValue { state in state.heldUntil[id].map { $0 > now } ?? false }
    }

    func channel(for id: SIPConnectionID) -> (any Channel)? {
        state.withLockedValue { $0.byID[id] }
    }

    /// The open or pending connection to `address`, else a new one from `connect`. Concurrent
    /// callers share one connect, so a burst of requests to a phone opens one connection.
    func connection(
        to address: Peer, on eventLoop: any EventLoop, connect: () -> EventLoopFuture<any Channel>
    ) -> EventLoopFuture<any Channel> {
        enum Decision {
            case reuse(EventLoopFuture<any Channel>)
            case connect(EventLoopPromise<any Channel>)
        }
        let decision: Decision = state.withLockedValue { state in
            switch state.byAddress[address] {
            case .open(_, let channel) where channel.isActive:
                return .reuse(channel.eventLoop.makeSucceededFuture(channel))
            case .connecting(let future):
                return .reuse(future)
            case .open, nil:
                let promise = eventLoop.makePromise(of: (any Channel).self)
                state.byAddress[address] = .connecting(promise.futureResult)
                return .connect(promise)
            }
        }
        let promise: EventLoopPromise<any Channel>
        switch decision {
        case .reuse(let future): return future
        case .connect(let newPromise): promise = newPromise
        }
        // Connect outside the lock: the new channel's handler takes it when it becomes active.
        connect().cascade(to: promise)
        let future = promise.futureResult
        future.whenFailure { [state] _ in
            state.withLockedValue { state in
                if case .connecting(let pending) = state.byAddress[address], pending === future {
                    state.byAddress[address] = nil
                }
            }
        }
        return future
    }

    /// Forgets every connection and returns the channels, for closing at stop.
    func removeAll() -> [any Channel] {
        state.withLockedValue { state in
            defer { state = State(nextID: state.nextID) }
            return Array(state.byID.values)
        }
    }
}
