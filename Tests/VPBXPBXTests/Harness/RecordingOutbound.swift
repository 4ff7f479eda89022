import Foundation
import Synchronization
import VPBXPBX
import VPBXSIP

/// One message the core put on the wire, with where it went.
struct SentMessage: Sendable, CustomStringConvertible {
    let message: SIPMessage
    let destination: SIPPeerAddress

    var request: SIPRequest? {
        if case .request(let request) = message { return request }
        return nil
    }

    var response: SIPResponse? {
        if case .response(let response) = message { return response }
        return nil
    }

    var cseqMethod: SIPMethod? { try? message.headers.cseq().method }

    func isRequest(_ method: SIPMethod, to address: SIPPeerAddress) -> Bool {
        request?.method == method && destination == address
    }

    func isResponse(_ status: Int, _ method: SIPMethod, to address: SIPPeerAddress) -> Bool {
        response?.statusCode == status && cseqMethod == method && destination == address
    }

    var description: String {
        let line: String
        switch message {
        case .request(let request): line = "\(request.method.name) \(request.uri.serialized)"
        case .response(let response): line = "\(response.statusCode) \(response.reason) (\(cseqMethod?.name ?? "?"))"
        }
        return "\(line) -> \(destination)"
    }
}

/// The core's `SIPOutbound` in tests: records every message and lets a test await the next one
/// matching a condition.
///
/// `next` hands each message out once, and skips retransmissions of a message it already
/// handed out (an exact copy), so a test reads the conversation as a phone's SIP stack would.
final class RecordingOutbound: SIPOutbound {
    private struct State {
        var sent: [SentMessage] = []
        var handedOut: Set<Int> = []
        var loadChanges: [Bool] = []
        var holds: [ConnectionHold] = []
        var releases: [SIPPeerAddress] = []
        var closedConnections: Set<UInt64> = []
        var gatheringDepth = 0
        var sentOutsideGathering = 0
    }

    private let state = Mutex(State())

    func send(_ message: SIPMessage, to destination: SIPPeerAddress) {
        state.withLock {
            $0.sent.append(SentMessage(message: message, destination: destination))
            if $0.gatheringDepth == 0 { $0.sentOutsideGathering += 1 }
        }
    }

    func gatheringSends(_ body: () -> Void) {
        state.withLock { $0.gatheringDepth += 1 }
        defer { state.withLock { $0.gatheringDepth -= 1 } }
        body()
    }

    /// Messages the core sent outside ``gatheringSends(_:)`` (the transport would not batch them).
    var sentOutsideGathering: Int { state.withLock { $0.sentOutsideGathering } }

    /// A connection the core asked to keep open (``SIPOutbound/holdConnection(of:for:)``).
    struct ConnectionHold: Equatable {
        let peer: SIPPeerAddress
        let duration: Duration
    }

    func holdConnection(of peer: SIPPeerAddress, for duration: Duration) {
        state.withLock { $0.holds.append(ConnectionHold(peer: peer, duration: duration)) }
    }

    /// Every hold asked for, in order.
    var holds: [ConnectionHold] { state.withLock { $0.holds } }

    func releaseConnection(of peer: SIPPeerAddress) {
        state.withLock { $0.releases.append(peer) }
    }

    /// Every hold ended early (``SIPOutbound/releaseConnection(of:)``), in order.
    var releases: [SIPPeerAddress] { state.withLock { $0.releases } }

    /// The phone closed stream connection `id` (or the network broke it).
    func closeConnection(_ id: UInt64) {
        state.withLock { _ = $0.closedConnections.insert(id) }
    }

    func isConnectionOpen(_ peer: SIPPeerAddress) -> Bool {
        guard let id = peer.connectionID else { return false }
        return state.withLock { !$0.closedConnections.contains(id) }
    }

    func coreLoadChanged(busy: Bool) {
        state.withLock { $0.loadChanges.append(busy) }
    }

    /// What the core said about its backlog, in order (``SIPOutbound/coreLoadChanged(busy:)``).
    var loadChanges: [Bool] { state.withLock { $0.loadChanges } }

    /// Everything sent so far, retransmissions included.
    var sent: [SentMessage] { state.withLock { $0.sent } }

    /// Waits for the first message not yet handed out (nor a copy of one) that matches.
    func next(
        _ what: String, timeout: Duration = .seconds(10), where predicate: @escaping (SentMessage) -> Bool
    ) async throws -> SentMessage {
        do {
            return try await eventually(what, timeout: timeout) { claim(predicate) }
        } catch {
            let log = sent.map { "  \($0)" }.joined(separator: "\n")
            throw HarnessTimeout(description: "\(error)\nsent so far:\n\(log)")
        }
    }

    /// Waits for the next request of `method` sent to `address`.
    func request(_ method: SIPMethod, to address: SIPPeerAddress, timeout: Duration = .seconds(10)) async throws -> SIPRequest {
        try await next("\(method.name) to \(address)", timeout: timeout) { $0.isRequest(method, to: address) }.request!
    }

    /// Waits for the next `status` response to a `method` request sent to `address`.
    func response(
        _ status: Int, _ method: SIPMethod, to address: SIPPeerAddress, timeout: Duration = .seconds(10)
    ) async throws -> SIPResponse {
        try await next("\(status) (\(method.name)) to \(address)", timeout: timeout) {
            $0.isResponse(status, method, to: address)
        }.response!
    }

    /// Distinct messages matching, retransmissions not counted.
    func distinctCount(where predicate: (SentMessage) -> Bool) -> Int {
        var seen: [SIPMessage] = []
        for message in sent where predicate(message) && !seen.contains(message.message) { seen.append(message.message) }
        return seen.count
    }

    private func claim(_ predicate: (SentMessage) -> Bool) -> SentMessage? {
        state.withLock { state in
            let claimed = state.handedOut.map { state.sent[$0].message }
            for index in state.sent.indices where !state.handedOut.contains(index) {
                let candidate = state.sent[index]
                guard predicate(candidate) else { continue }
                state.handedOut.insert(index)
                if claimed.contains(candidate.message) { continue }  // a retransmission
                return candidate
            }
            return nil
        }
    }
}
