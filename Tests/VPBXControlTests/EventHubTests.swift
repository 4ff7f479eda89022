import Synchronization
import Testing

@testable import VPBXControl

@Suite struct EventHubTests {
    @Test func seqIsMonotonicAndSubscribersSeeEverythingAfterTheirSnapshot() async throws {
        let hub = EventHub()
        await hub.publish(topic: "call", type: "call.ringing", data: ["id": "a"])
        await hub.setSnapshotProvider { topics in ["calls": 1, "topics": .int(Int64(topics?.count ?? 0))] }
        let subscription = try await hub.subscribe()
        #expect(subscription.seq == 1)
        #expect(subscription.snapshot["calls"] == 1)
        for index in 0..<5 { await hub.publish(topic: "call", type: "call.answered", data: .int(Int64(index))) }
        var seen: [UInt64] = []
        for await event in subscription.events {
            seen.append(event.seq)
            if seen.count == 5 { break }
        }
        #expect(seen == [2, 3, 4, 5, 6])
    }

    /// What a connection writes: the lines of all queued events at once, each as the
    /// notification encodes it, filtered by topic; an event JSON cannot carry is skipped.
    @Test func linesComeInBatchesOfTheQueuedEvents() async throws {
        let hub = EventHub()
        let subscription = try await hub.subscribe(topics: ["call"])
        await hub.publish(topic: "call", type: "call.started", data: ["id": "a", "caller": "Kovács \"Ödön\""])
        await hub.publish(topic: "registration", type: "registration.added", data: nil)
        await hub.publish(topic: "call", type: "call.odd", data: ["average": .double(.nan)])
        await hub.publish(topic: "call", type: "call.ended", data: ["id": "a", "billable": 12])
        var iterator = subscription.lines.makeAsyncIterator()
        let batch = try #require(await iterator.next())
        let expected = try [
            RPCEvent(seq: 1, topic: "call", type: "call.started", data: ["id": "a", "caller": "Kovács \"Ödön\""]),
            RPCEvent(seq: 4, topic: "call", type: "call.ended", data: ["id": "a", "billable": 12]),
        ].flatMap { event in Array(try ControlConnection.encodeLine(RPCEventLine(params: event)).readableBytesView) }
        #expect(batch == expected)
        // A later event is the next batch, after waiting for it.
        let later = Task { await iterator.next() }
        try await Task.sleep(for: .milliseconds(20))
        await hub.publish(topic: "call", type: "call.started", data: ["id": "b"])
        let next = try #require(await later.value)
        #expect(String(decoding: next, as: UTF8.self).contains(#""seq":5"#))
        await hub.unsubscribe(subscription.id)
    }

    /// Events written as JSON by their publisher reach a connection as the same lines, and
    /// the in-process stream as the same values, as events published as trees.
    @Test func encodedEventsAreDeliveredAsTreesAre() async throws {
        let hub = EventHub()
        let subscription = try await hub.subscribe(topics: ["call"])
        var writer = JSONObjectWriter()
        writer.string("caller", "Kovács \"Ödön\"")
        writer.string("id", "a")
        let data = writer.finish()
        await hub.publish([
            EncodedEvent(topic: "call", type: "call.started", data: data),
            EncodedEvent(topic: "registration", type: "registration.added", data: Array("{}".utf8)),
        ])
        var lines = subscription.lines.makeAsyncIterator()
        let batch = try #require(await lines.next())
        let expected = RPCEvent(seq: 1, topic: "call", type: "call.started", data: ["caller": "Kovács \"Ödön\"", "id": "a"])
        #expect(batch == Array(try ControlConnection.encodeLine(RPCEventLine(params: expected)).readableBytesView))
        await hub.unsubscribe(subscription.id)

        let values = try await hub.subscribe()
        await hub.publish([EncodedEvent(topic: "call", type: "call.ended", data: data)])
        var events = values.events.makeAsyncIterator()
        #expect(await events.next() == RPCEvent(seq: 3, topic: "call", type: "call.ended", data: expected.data))
    }

    @Test func topicsFilter() async throws {
        let hub = EventHub()
        let subscription = try await hub.subscribe(topics: ["registration"])
        await hub.publish(topic: "call", type: "call.ringing", data: nil)
        await hub.publish(topic: "registration", type: "registration.added", data: nil)
        var iterator = subscription.events.makeAsyncIterator()
        let event = await iterator.next()
        #expect(event?.type == "registration.added")
        #expect(event?.seq == 2)
    }

    @Test func eventsPublishedWhileTheSnapshotIsBuiltAreNotLost() async throws {
        let hub = EventHub()
        await hub.setSnapshotProvider { _ in
            await hub.publish(topic: "call", type: "during.snapshot", data: nil)
            return [:]
        }
        let subscription = try await hub.subscribe()
        #expect(subscription.seq == 0)
        var iterator = subscription.events.makeAsyncIterator()
        #expect(await iterator.next()?.type == "during.snapshot")
    }

    @Test func slowSubscriberGetsOverflowAndIsDropped() async throws {
        let hub = EventHub(bufferLimit: 3)
        let slow = try await hub.subscribe()
        for _ in 0..<10 { await hub.publish(topic: "call", type: "call.x", data: nil) }
        var events: [RPCEvent] = []
        for await event in slow.events { events.append(event) }
        #expect(events.count == 1)
        #expect(events.last?.isOverflow == true)
        #expect(events.last?.topic == EventTopic.events)
        #expect(await hub.subscriberCount == 0)
        #expect(await hub.subscribersDropped == 1)
        #expect(await hub.lastSeq == 10)
    }

    /// The administrator learns from the engine's log which console fell behind, not only
    /// the client from its `events.overflow`.
    @Test func droppedSubscriberIsLoggedWithWhoItWas() async throws {
        let log = CapturedLog()
        let hub = EventHub(bufferLimit: 3, logger: log.logger)
        let slow = try await hub.subscribe(client: "uid=1001 gid=1001 pid=4242 role=supervisor")
        let keeping = try await hub.subscribe(client: "uid=1002 gid=1002 pid=4343 role=agent")
        for _ in 0..<3 { await hub.publish(topic: "call", type: "call.x", data: nil) }
        #expect(log.lines.isEmpty)
        for await _ in keeping.events.prefix(3) {}
        await hub.publish(topic: "call", type: "call.x", data: nil)

        let warnings = log.lines.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.contains("dropped for falling behind") == true)
        #expect(warnings.first?.metadata["client"] == "uid=1001 gid=1001 pid=4242 role=supervisor")
        #expect(warnings.first?.metadata["subscription"] == "\(slow.id)")
        #expect(await hub.subscribersDropped == 1)
        var last: RPCEvent?
        for await event in slow.events { last = event }
        #expect(last?.isOverflow == true)
        #expect(await hub.subscriberCount == 1)
    }

    @Test func unsubscribeAndCancellationEndTheStream() async throws {
        let hub = EventHub()
        let first = try await hub.subscribe()
        let read = Mutex(0)
        let waiting = Task { () -> Int in
            var count = 0
            for await _ in first.events {
                count += 1
                read.withLock { $0 = count }
            }
            return count
        }
        await hub.publish(topic: "call", type: "one", data: nil)
        // An unsubscribe drops what the subscriber has not read yet: wait until it has read
        // the event (on a loaded machine the reading task may start late), 10 s at most.
        let readBy = ContinuousClock.now + .seconds(10)
        while read.withLock({ $0 }) == 0, ContinuousClock.now < readBy {
            try await Task.sleep(for: .milliseconds(10))
        }
        await hub.unsubscribe(first.id)
        #expect(await waiting.value == 1)

        let second = try await hub.subscribe()
        let cancelled = Task { for await _ in second.events {} }
        try await Task.sleep(for: .milliseconds(20))
        cancelled.cancel()
        await cancelled.value
        // The stream's end unsubscribes in a task of its own: on a loaded machine that can
        // take longer than any fixed pause, so wait for it (10 s at most).
        let deadline = ContinuousClock.now + .seconds(10)
        while await hub.subscriberCount != 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(await hub.subscriberCount == 0)
    }

    @Test func failingSnapshotProviderLeavesNoSubscriber() async {
        let hub = EventHub()
        await hub.setSnapshotProvider { _ in throw RPCError.unavailable("starting") }
        await #expect(throws: RPCError.self) { try await hub.subscribe() }
        #expect(await hub.subscriberCount == 0)
    }
}
