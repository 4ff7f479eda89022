import Foundation
import Testing
import VPBXControl
import VPBXPBX

@testable import VPBXEngine

/// The bridge hands the core's events to the hub in batches (one wake-up and one hop for all
/// that waited): every event still arrives once, in the order the core emitted it.
@Suite(.timeLimit(.minutes(1)))
struct EventBridgeDeliveryTests {
    static func event(_ index: Int) -> PBXEvent {
        .registrationAdded(extensionNumber: "\(index)", contact: "sip:\(index)@192.0.2.1", expiresAt: Date(timeIntervalSince1970: 0))
    }

    @Test func everyEventArrivesOnceInOrderWhateverTheBatches() async throws {
        let hub = EventHub(bufferLimit: 10_000)
        let subscription = try await hub.subscribe()
        let bridge = EventBridge(hub: hub)
        // From another thread, as the core emits: bursts with pauses between them, so some
        // events find the consumer idle and some find it busy.
        let count = 3_000
        let emitter = Thread {
            for index in 0..<count {
                bridge.forward(Self.event(index))
                if index % 100 == 99 { usleep(1_000) }
            }
        }
        emitter.start()
        var received: [RPCEvent] = []
        for await event in subscription.events {
            received.append(event)
            if received.count == count { break }
        }
        #expect(received.map(\.data["extension"]) == (0..<count).map { JSONValue.string("\($0)") })
        #expect(received.map(\.seq) == (1...UInt64(count)).map { $0 })
        await bridge.finish()
    }

    @Test func finishPublishesWhatWaitsAndLaterEventsAreDropped() async throws {
        let hub = EventHub()
        _ = try await hub.subscribe()
        let bridge = EventBridge(hub: hub)
        for index in 0..<50 { bridge.forward(Self.event(index)) }
        await bridge.finish()
        #expect(await hub.lastSeq == 50)
        bridge.forward(Self.event(50))
        try await Task.sleep(for: .milliseconds(50))
        #expect(await hub.lastSeq == 50)
    }
}
