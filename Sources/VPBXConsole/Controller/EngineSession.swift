import Foundation
import VPBXControl

/// The console's link to the engine: connects, loads a snapshot, streams events, and when
/// the engine goes away reconnects with backoff (`ReconnectPolicy`) and loads a fresh
/// snapshot. Reports everything through `Update`s; never touches the screen.
public actor EngineSession {
    public enum Update: Sendable, Equatable {
        /// A fresh snapshot; events follow.
        case synced(ConsoleSnapshot)
        case event(RPCEvent)
        /// The current state of an extension an event named.
        case extensionLoaded(ExtensionInfo)
        /// Connecting failed or the connection broke; `attempt` counts since the last sync.
        case lost(attempt: Int, reason: String)
    }

    public nonisolated let socketPath: String
    public nonisolated let clientName: String
    public static let topics = [EventTopic.call, EventTopic.registration, EventTopic.extension]

    private var policy: ReconnectPolicy
    private var client: ControlClient?
    private var refreshRequested = false

    public init(socketPath: String, clientName: String = "vpbx-tui", policy: ReconnectPolicy = ReconnectPolicy()) {
        self.socketPath = socketPath
        self.clientName = clientName
        self.policy = policy
    }

    /// Runs until the task is cancelled.
    public func run(_ report: @escaping @Sendable (Update) -> Void) async {
        var action = ReconnectPolicy.Action.connectNow
        while !Task.isCancelled {
            if case .retry(let delay) = action { await pause(delay) }
            if Task.isCancelled { return }
            let reason: String
            do {
                let (client, snapshot, events) = try await connectAndLoad()
                self.client = client
                policy.synced()
                report(.synced(snapshot))
                for try await event in events {
                    report(.event(event))
                    if let number = ConsoleModel.extensionToFetch(after: event) {
                        if let info = try? await client.call(ExtensionGet.self, .init(number: number)) {
                            report(.extensionLoaded(info))
                        }
                    }
                }
                reason = "the engine closed the connection"
            } catch {
                reason = "\(error)"
            }
            await client?.close()
            client = nil
            if refreshRequested {
                refreshRequested = false
                action = policy.refreshRequested()
                continue
            }
            action = policy.failed()
            report(.lost(attempt: policy.failures, reason: reason))
        }
    }

    /// Drops the connection and loads everything again at once.
    public func refresh() async {
        refreshRequested = true
        await client?.close()
    }

    /// `call.hangup`; returns the line for the status bar.
    public func hangUp(callID: String) async -> String {
        guard let client else { return "cannot hang up: not connected to the engine" }
        do {
            _ = try await client.call(CallHangup.self, .init(id: callID))
            return "call hung up"
        } catch {
            return "hang-up failed: \(error)"
        }
    }

    private func connectAndLoad() async throws -> (ControlClient, ConsoleSnapshot, AsyncThrowingStream<RPCEvent, any Error>) {
        let client = try await ControlClient.connect(socketPath: socketPath, timeout: .seconds(5))
        do {
            _ = try await client.hello(client: clientName)
            // Subscribe first: events from here on are buffered, so nothing falls between
            // the lists and the stream; replays are harmless (the model is idempotent).
            let (subscription, events) = try await client.subscribe(topics: Self.topics)
            async let status = client.call(EngineStatus.self, .init())
            async let extensions = client.call(ExtensionList.self, .init())
            async let registrations = client.call(RegistrationList.self, .init())
            async let calls = client.call(CallList.self, .init())
            let snapshot = ConsoleSnapshot(
                seq: subscription.seq, status: try await status, extensions: try await extensions,
                registrations: try await registrations.map(Registration.init), calls: try await calls)
            return (client, snapshot, events)
        } catch {
            await client.close()
            throw error
        }
    }

    /// Sleeps for `delay`, ending early on cancellation or a refresh request.
    private func pause(_ delay: Duration) async {
        let deadline = ContinuousClock.now + delay
        while ContinuousClock.now < deadline, !refreshRequested, !Task.isCancelled {
            try? await Task.sleep(for: min(.milliseconds(100), deadline - ContinuousClock.now))
        }
        refreshRequested = false
    }
}
