import Foundation
import Logging
import NIOCore

/// Serves one client connection: reads request lines in order, answers each before
/// reading the next (one connection is one ordered conversation; a client that wants
/// parallel calls opens more connections), and streams events once subscribed.
struct ControlConnection: Sendable {
    /// Used when the kernel would not tell who the peer is; such a peer gets no role.
    static let unknownPeer = PeerCredentials(uid: .max, gid: .max, pid: 0)

    let peer: PeerCredentials
    let role: Role?
    let router: ControlRouter
    let events: EventHub
    let maximumLineLength: Int
    let logger: Logger

    func serve(_ raw: any Channel) async {
        do {
            let channel = try await raw.eventLoop.submit {
                try NIOAsyncChannel<LineFrame, ByteBuffer>(wrappingChannelSynchronously: raw)
            }.get()
            try await raw.setOption(.autoRead, value: true).get()
            try await channel.executeThenClose { inbound, outbound in
                try await withThrowingDiscardingTaskGroup { group in
                    var subscription: UInt64?
                    do {
                        for try await frame in inbound {
                            guard let request = try await read(frame, outbound) else { continue }
                            if request.method == EventsSubscribe.name {
                                if let started = try await subscribe(request, already: subscription != nil, outbound) {
                                    subscription = started.id
                                    group.addTask { await pump(started, outbound) }
                                }
                                continue
                            }
                            let reply = await router.reply(to: request, peer: peer, role: role)
                            if request.id != nil { try await send(reply, method: request.method, outbound) }
                        }
                    } catch {
                        if let subscription { await events.unsubscribe(subscription) }
                        throw error
                    }
                    // The client closed its side: stop its event stream so the group can end.
                    if let subscription { await events.unsubscribe(subscription) }
                }
            }
        } catch {
            logger.debug("control connection ended", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    /// Turns one frame into a request, answering framing and syntax errors directly.
    private func read(_ frame: LineFrame, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> RPCRequest? {
        switch frame {
        case .oversized:
            try await send(
                .failure(id: .null, .invalidRequest("request longer than \(maximumLineLength) bytes; it was discarded")),
                outbound)
            return nil
        case .line(let bytes):
            guard bytes.readableBytesView.contains(where: { !Self.isWhitespace($0) }) else { return nil }
            let value: JSONValue
            do {
                value = try RPCCoding.makeDecoder().decode(JSONValue.self, from: Data(bytes.readableBytesView))
            } catch {
                try await send(.failure(id: .null, .parseError("not valid JSON: \(error.localizedDescription)")), outbound)
                return nil
            }
            do throws(RPCError) {
                switch try RPCMessage(value) {
                case .request(let request): return request
                case .notification(let note): return RPCRequest(id: nil, method: note.method, params: note.params)
                case .response: throw RPCError.invalidRequest("the engine does not accept responses")
                }
            } catch {
                try await send(.failure(id: value["id"] ?? .null, error), outbound)
                return nil
            }
        }
    }

    /// Answers `events.subscribe`; returns the subscription when one was started.
    private func subscribe(
        _ request: RPCRequest, already: Bool, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws -> EventSubscription? {
        let id = request.id ?? .null
        do {
            _ = try router.authorize(method: request.method, peer: peer, role: role)
            let params = try EventsSubscribe.decodeParams(request.params)
            if already { throw RPCError.conflict("this connection is already subscribed; open another connection") }
            let topics = try EventTopicPolicy.topics(params.topics, role: role)
            let subscription = try await events.subscribe(topics: topics, client: clientDescription)
            let snapshot = EventTopicPolicy.showsSnapshot(to: role) ? subscription.snapshot : .object([:])
            let result = EventsSubscribe.Result(seq: subscription.seq, snapshot: snapshot)
            // The response goes out before the first event: the pump starts after this.
            try await send(.success(id: id, result), method: request.method, outbound)
            return subscription
        } catch let error as RPCError {
            try await send(.failure(id: id, error), outbound)
            return nil
        }
    }

    /// The peer as the engine's log names it: the kernel's uid, gid and pid, and the role.
    private var clientDescription: String {
        "\(peer) role=\(role?.rawValue ?? "none")"
    }

    private func pump(_ subscription: EventSubscription, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async {
        defer { Task { [events] in await events.unsubscribe(subscription.id) } }
        do {
            for await lines in subscription.lines {
                try await outbound.write(ByteBuffer(bytes: lines))
            }
        } catch {
            logger.debug("event stream ended", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    /// Sends a reply; a result that cannot be written as JSON (a NaN, say) is answered as an
    /// internal error instead of ending the connection.
    private func send(
        _ reply: RPCReply, method: String? = nil, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        let line: ByteBuffer
        do {
            line = try Self.encodeLine(reply)
        } catch {
            line = try Self.encodeLine(RPCReply.failure(id: reply.id, router.unencodable(method ?? "the request", error)))
        }
        try await outbound.write(line)
    }

    static func encodeLine<T: Encodable>(_ value: T) throws -> ByteBuffer {
        var data = try RPCCoding.makeEncoder().encode(value)
        data.append(UInt8(ascii: "\n"))
        return ByteBuffer(bytes: data)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
