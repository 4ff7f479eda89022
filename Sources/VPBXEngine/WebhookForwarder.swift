import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import VPBXControl

/// Where the engine POSTs its events for a CRM or another system (CTI): the screen pop of a
/// web CRM, a ticket opened per missed call, a wallboard of one's own.
public struct WebhookTarget: Sendable, Equatable {
    /// An `http` or `https` URL.
    public var url: String
    /// The event topics sent (`call`, `registration`, `engine`, ...); empty: every topic.
    public var topics: [String]
    /// Signs every request (``WebhookSignature``) when set.
    public var secret: [UInt8]?

    public init(url: String, topics: [String] = [EventTopic.call], secret: [UInt8]? = nil) {
        self.url = url
        self.topics = topics
        self.secret = secret
    }
}

/// CTI hooks: each configured URL gets the engine's events as HTTP POSTs, one event a
/// request, the JSON the control socket's event notifications carry (`seq`, `topic`, `type`,
/// `data`), in order. A webhook is one more subscriber of the event hub, so it sees exactly
/// what `vpbx events` shows.
///
/// A CRM that is down or slow never holds calls up: requests go one at a time with a 5 s
/// timeout, failures are logged (the first of a run, then when it recovers) and counted. A
/// failure of a receiver that was answering (a blip: a restart, a dropped connection, a 502
/// from its proxy) is tried again after 1 s and 3 s, so a CRM that logs calls from the
/// events misses none for it; once a receiver fails for good, its events are not sent again
/// (a screen pop seconds late is no use, and waiting would only fill the buffer). A receiver so slow that
/// the hub's buffer fills is dropped by the hub like any slow subscriber; the forwarder
/// subscribes again, and the events in between are lost (logged).
final class WebhookForwarder: Sendable {
    /// What a target's deliveries came to, for `engine.status` and the tests.
    struct Figures: Sendable, Equatable {
        var delivered = 0
        var failed = 0
        var retried = 0
    }

    /// The waits before sending a failed event again, for a receiver that was answering.
    static let retryDelays: [Duration] = [.seconds(1), .seconds(3)]

    static let requestTimeout = TimeAmount.seconds(5)
    /// The most of a receiver's answer read (and dropped).
    static let maximumResponseBytes = 64 * 1024

    private let client: HTTPClient
    private let tasks: Mutex<[Task<Void, Never>]>
    private let figures: Counters
    private let logger: Logger

    /// Each target's figures, shared with its forwarding task.
    private final class Counters: Sendable {
        let byURL: Mutex<[String: Figures]>
        init(_ urls: [String]) { byURL = Mutex(Dictionary(uniqueKeysWithValues: urls.map { ($0, Figures()) })) }
    }

    init(targets: [WebhookTarget], hub: EventHub, group: any EventLoopGroup, userAgent: String, logger: Logger) {
        client = HTTPClient(
            eventLoopGroupProvider: .shared(group),
            configuration: HTTPClient.Configuration(
                timeout: HTTPClient.Configuration.Timeout(connect: .seconds(2), read: Self.requestTimeout)))
        self.logger = logger
        figures = Counters(targets.map(\.url))
        let client = self.client
        let figures = self.figures
        tasks = Mutex(
            targets.map { target in
                Task {
                    await Self.forward(
                        to: target, from: hub, client: client, userAgent: userAgent, figures: figures, logger: logger)
                }
            })
    }

    /// Each target's figures, by URL.
    var deliveries: [String: Figures] { figures.byURL.withLock { $0 } }

    /// `url` as status and logs may show it: without user, password and query, which may hold
    /// the receiver's secret.
    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return "(unreadable URL)" }
        parts.user = nil
        parts.password = nil
        parts.query = nil
        parts.fragment = nil
        return parts.string ?? "(unreadable URL)"
    }

    /// Stops sending (what is in flight is abandoned) and closes the HTTP client.
    func stop() async {
        for task in tasks.withLock({ $0 }) { task.cancel() }
        for task in tasks.withLock({ $0 }) { await task.value }
        try? await client.shutdown()
    }

    private static func forward(
        to target: WebhookTarget, from hub: EventHub, client: HTTPClient, userAgent: String,
        figures: Counters, logger: Logger
    ) async {
        var failing = 0
        while !Task.isCancelled {
            guard
                let subscription = try? await hub.subscribe(
                    topics: target.topics.isEmpty ? nil : target.topics, client: "webhook \(target.url)")
            else { return }
            for await event in subscription.events {
                if event.isOverflow {
                    logger.warning("webhook fell behind; events were lost", metadata: ["url": "\(target.url)"])
                    break
                }
                var failure = await post(event, to: target, client: client, userAgent: userAgent)
                if failure != nil, failing == 0 {
                    for delay in retryDelays where failure != nil {
                        guard (try? await Task.sleep(for: delay)) != nil else { break }  // stopping
                        figures.byURL.withLock { $0[target.url]?.retried += 1 }
                        failure = await post(event, to: target, client: client, userAgent: userAgent)
                    }
                }
                figures.byURL.withLock {
                    if failure == nil { $0[target.url]?.delivered += 1 } else { $0[target.url]?.failed += 1 }
                }
                if let failure {
                    if failing == 0 {
                        logger.warning(
                            "webhook failed; the event is dropped (logged again when it recovers)",
                            metadata: ["url": "\(target.url)", "event": "\(event.type)", "error": "\(failure)"])
                    }
                    failing += 1
                } else if failing > 0 {
                    logger.notice("webhook delivers again", metadata: ["url": "\(target.url)", "failedEvents": "\(failing)"])
                    failing = 0
                }
            }
            await hub.unsubscribe(subscription.id)
        }
    }

    /// POSTs one event; nil when the receiver answered 2xx, else what went wrong.
    private static func post(_ event: RPCEvent, to target: WebhookTarget, client: HTTPClient, userAgent: String) async
        -> String?
    {
        do {
            var request = HTTPClientRequest(url: target.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: userAgent)
            let body = Array(try RPCCoding.makeEncoder().encode(event))
            if let secret = target.secret {
                let timestamp = Int(Date().timeIntervalSince1970)
                request.headers.add(name: WebhookSignature.timestampHeader, value: String(timestamp))
                request.headers.add(
                    name: WebhookSignature.signatureHeader,
                    value: WebhookSignature.signature(body: body, timestamp: timestamp, secret: secret))
            }
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await client.execute(request, timeout: requestTimeout)
            _ = try await response.body.collect(upTo: maximumResponseBytes)
            return (200..<300).contains(response.status.code) ? nil : "HTTP status \(response.status.code)"
        } catch {
            return "\(error)"
        }
    }
}
