import Foundation
import Synchronization
import Testing
import VPBXSIP
@testable import VPBXPBX

/// New calls are refused with 503 at the administrator's call limit and while the core is
/// overloaded; everything else (registrations, OPTIONS, calls already admitted) goes on.
@Suite struct CallAdmissionTests {
    static func configuration(maximumCalls: Int? = nil, overloadDelay: Duration? = nil) -> PBXConfiguration {
        var configuration = PBXHarness.configuration
        configuration.maximumCalls = maximumCalls
        configuration.overloadQueueDelay = overloadDelay
        return configuration
    }

    @Test func newCallsGet503WhileInputWaitedLongerThanTheThresholdAndAgainOnceCaughtUp() async throws {
        let events = Mutex<[PBXEvent]>([])
        let harness = PBXHarness(
            // A threshold a busy test machine does not reach by itself (the follow-up call must
            // be handled, not refused again), far below the wait made on purpose below.
            configuration: Self.configuration(overloadDelay: .milliseconds(300)),
            events: { event in events.withLock { $0.append(event) } })
        let caller = Phone("2001", at: "192.0.2.40")
        try await harness.provision([caller])
        // Queued before the core runs and left waiting longer than the threshold: the first
        // batch is the overload.
        let invite = caller.invite("2002", sdp: caller.sdp())
        harness.send(invite, from: caller)
        harness.send(PBXHarness.options(from: caller, callID: "keep-alive"), from: caller)
        try await Task.sleep(for: .milliseconds(700))
        try await harness.core.start()
        do {
            let refused = try await harness.outbound.response(503, .invite, to: caller.address)
            #expect(refused.reason == "Overloaded")
            #expect(refused.headers["Retry-After"] == "1")
            #expect(refused.headers.callID == invite.headers.callID)
            #expect(
                !harness.outbound.sent.contains { $0.response?.statusCode == 100 && $0.response?.headers.callID == invite.headers.callID },
                "a refusal needs no 100 Trying before it")
            // Not a call: OPTIONS in the same batch is answered as usual.
            _ = try await harness.outbound.next("200 for the OPTIONS") { $0.response?.headers.callID == "keep-alive" }
            let statistics = await harness.core.currentStatistics()
            let overloadedThen = await harness.core.isOverloaded
            #expect(statistics.callsRefusedOverloaded == 1)
            #expect(statistics.callsRefusedAtLimit == 0)
            // A retransmission of the refused INVITE belongs to its transaction (which keeps
            // answering 503 until the ACK): not another refusal, and never a challenge.
            harness.send(invite, from: caller)
            try await harness.settle(via: caller)
            #expect(await harness.core.currentStatistics().callsRefusedOverloaded == 1)
            #expect(!harness.outbound.sent.contains { $0.response?.statusCode == 407 })
            harness.send(caller.ack(failure: refused, of: invite), from: caller)
            // Small batches since: the next call is handled (challenged) at once, unless the
            // machine's own load (`swift test` runs a thousand tests at once on two cores) made
            // its batch wait past the threshold as well; such a call is refused like the first
            // and the next one tried.
            #expect(overloadedThen)
            var refusedSince = 0
            while true {
                let next = caller.invite("2002", sdp: caller.sdp())
                harness.send(next, from: caller)
                let answer = try await harness.outbound.next("407 or 503 for the next call") {
                    $0.response?.headers.callID == next.headers.callID && [407, 503].contains($0.response?.statusCode)
                }.response!
                if answer.statusCode == 407 { break }
                refusedSince += 1
                harness.send(caller.ack(failure: answer, of: next), from: caller)
                // The core shares Swift's thread pool with every other test of a parallel run:
                // a pause lets a saturated pool catch up before the next try.
                guard refusedSince < 20 else {
                    Issue.record("twenty calls in a row refused after the overload had passed")
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(await harness.core.currentStatistics().callsRefusedOverloaded == 1 + refusedSince)
            // The episode (what `vpbx status` shows and the log reports) ends after a calm second.
            _ = try await eventually("the overload episode to end") {
                await harness.core.isOverloaded ? nil : true
            }
            // Told to event subscribers (`engine.overload`) at its start and its end.
            let overloadEvents = events.withLock { $0 }.filter {
                if case .overload = $0 { return true } else { return false }
            }
            #expect(overloadEvents.first == .overload(refusing: true, refusedTotal: 0))
            #expect(overloadEvents.last == .overload(refusing: false, refusedTotal: 1 + refusedSince))
            if refusedSince == 0 { #expect(overloadEvents.count == 2) }
        } catch {
            await harness.core.shutdown()
            throw error
        }
        await harness.core.shutdown()
    }

    @Test func withoutAThresholdAPileOfCallsIsHandledNormally() async throws {
        let harness = PBXHarness(configuration: Self.configuration(overloadDelay: nil))
        let caller = Phone("2001", at: "192.0.2.40")
        try await harness.provision([caller])
        harness.send(caller.invite("2002", sdp: caller.sdp()), from: caller)
        try await Task.sleep(for: .milliseconds(250))
        try await harness.core.start()
        do {
            _ = try await harness.outbound.response(407, .invite, to: caller.address)
            #expect(await harness.core.currentStatistics().callsRefusedOverloaded == 0)
        } catch {
            await harness.core.shutdown()
            throw error
        }
        await harness.core.shutdown()
    }

    @Test func callsBeyondTheLimitGet503UntilACallEnds() async throws {
        let caller = Phone("2001", at: "192.0.2.40")
        let callee = Phone("2002", at: "192.0.2.41")
        let other = Phone("2003", at: "192.0.2.42")
        try await PBXHarness.run([caller, callee, other], configuration: Self.configuration(maximumCalls: 1)) { harness in
            var call = try await harness.establish(from: caller, to: callee)
            // A second call while the first is up: refused before authentication.
            let second = other.invite("2002", sdp: other.sdp())
            harness.send(second, from: other)
            let refused = try await harness.outbound.response(503, .invite, to: other.address)
            #expect(refused.reason == "Maximum Calls In Progress")
            #expect(refused.headers["Retry-After"] == nil)
            #expect(!harness.outbound.sent.contains { $0.response?.statusCode == 100 && $0.destination == other.address })
            #expect(await harness.core.currentStatistics().callsRefusedAtLimit == 1)
            harness.send(other.ack(failure: refused, of: second), from: other)
            // The established call is untouched: its BYE is handled, and then there is room.
            harness.send(call.caller.request(.bye), from: caller)
            _ = try await harness.outbound.response(200, .bye, to: caller.address)
            _ = try await harness.outbound.request(.bye, to: callee.address)
            _ = try await eventually("the first call to end") { await harness.core.counts().calls == 0 ? true : nil }
            harness.send(other.invite("2002", sdp: other.sdp()), from: other)
            _ = try await harness.outbound.response(407, .invite, to: other.address)
            #expect(await harness.core.currentStatistics().callsRefusedAtLimit == 1)
        }
    }
}

extension CallAdmissionTests {
    @Test func withoutMediaPortsNewCallsGet503AtOnceUntilPortsComeBack() async throws {
        let caller = Phone("2001", at: "192.0.2.40")
        let callee = Phone("2002", at: "192.0.2.41")
        try await PBXHarness.run([caller, callee]) { harness in
            try await harness.register(callee)
            harness.media.sessionsLeft = 0
            let invite = caller.invite("2002", sdp: caller.sdp())
            harness.send(invite, from: caller)
            // Refused before authentication and routing: no challenge, no session asked for.
            let refused = try await harness.outbound.response(503, .invite, to: caller.address)
            #expect(refused.reason == "No Media Ports")
            #expect(refused.headers["Retry-After"] == "1")
            #expect(!harness.outbound.sent.contains { $0.response?.statusCode == 407 })
            #expect(harness.media.all.isEmpty && harness.media.waitedFor == 0)
            #expect(await harness.core.currentStatistics().callsRefusedNoMediaPorts == 1)
            harness.send(caller.ack(failure: refused, of: invite), from: caller)
            // Ports back: the next call goes on to the challenge as usual.
            harness.media.sessionsLeft = 1
            harness.send(caller.invite("2002", sdp: caller.sdp()), from: caller)
            _ = try await harness.outbound.response(407, .invite, to: caller.address)
            #expect(await harness.core.currentStatistics().callsRefusedNoMediaPorts == 1)
        }
    }
}

/// The admission rules alone: thresholds and hysteresis.
@Suite struct CallAdmissionRuleTests {
    @Test func eachBatchThatWaitedAtLeastTheThresholdIsOverloadAndTheNextShorterOneIsNot() {
        var admission = CallAdmission(maximumCalls: nil, overloadDelay: .milliseconds(200))
        var overloaded = admission.observe(queueDelay: .milliseconds(199))
        #expect(!overloaded)
        #expect(admission.refusal(activeCalls: 10_000) == nil)
        overloaded = admission.observe(queueDelay: .milliseconds(200))
        #expect(overloaded)
        #expect(admission.refusal(activeCalls: 0) == .overload)
        // No hysteresis: the threshold is a target the queue is kept at.
        overloaded = admission.observe(queueDelay: .milliseconds(150))
        #expect(!overloaded)
        #expect(admission.refusal(activeCalls: 0) == nil)
    }

    @Test func withoutAThresholdNoDelayIsOverload() {
        var admission = CallAdmission(maximumCalls: nil, overloadDelay: nil)
        let changed = admission.observe(queueDelay: .seconds(30))
        #expect(!changed)
        #expect(admission.refusal(activeCalls: 1_000_000) == nil)
    }

    @Test func withoutMediaPortsLeftCallsAreRefusedAfterTheOtherReasons() {
        var admission = CallAdmission(maximumCalls: 2, overloadDelay: .milliseconds(200))
        #expect(admission.refusal(activeCalls: 0, mediaSessionsLeft: 1) == nil)
        #expect(admission.refusal(activeCalls: 0, mediaSessionsLeft: nil) == nil)
        #expect(admission.refusal(activeCalls: 0, mediaSessionsLeft: 0) == .noMediaPorts)
        #expect(admission.refusal(activeCalls: 0, mediaSessionsLeft: -3) == .noMediaPorts)
        #expect(admission.refusal(activeCalls: 2, mediaSessionsLeft: 0) == .callLimit(2))
        _ = admission.observe(queueDelay: .seconds(1))
        #expect(admission.refusal(activeCalls: 0, mediaSessionsLeft: 0) == .overload)
    }

    @Test func aStoreBacklogAtTheBoundRefusesCallsAfterTheOtherReasons() {
        let admission = CallAdmission(maximumCalls: 2, overloadDelay: nil, maximumPendingWrites: 10)
        #expect(admission.refusal(activeCalls: 0, pendingWrites: 9) == nil)
        #expect(admission.refusal(activeCalls: 0, pendingWrites: 10) == .storeBacklog(10))
        #expect(admission.refusal(activeCalls: 0, mediaSessionsLeft: 0, pendingWrites: 10) == .noMediaPorts)
        #expect(admission.refusal(activeCalls: 2, pendingWrites: 10) == .callLimit(2))
        let unbounded = CallAdmission(maximumCalls: nil, overloadDelay: nil, maximumPendingWrites: nil)
        #expect(unbounded.refusal(activeCalls: 0, pendingWrites: 1_000_000) == nil)
    }

    @Test func theLimitCountsActiveCallsAndOverloadComesFirst() {
        var admission = CallAdmission(maximumCalls: 2, overloadDelay: .milliseconds(200))
        #expect(admission.refusal(activeCalls: 1) == nil)
        #expect(admission.refusal(activeCalls: 2) == .callLimit(2))
        _ = admission.observe(queueDelay: .seconds(1))
        #expect(admission.refusal(activeCalls: 2) == .overload)
    }
}

/// `--max-pending-writes`: while the database refuses writes (a full disk), accepted records
/// wait in memory; past the bound new calls are refused instead of letting them grow.
@Suite("Calls: refused while call records cannot be written", .timeLimit(.minutes(1)))
struct StoreBacklogAdmissionTests {
    @Test("past the bound of waiting writes a new call gets 503 before its challenge; once the store heals calls start again")
    func refusedUntilTheStoreHeals() async throws {
        var configuration = PBXHarness.configuration
        configuration.maximumPendingWrites = 2
        let writer = StoreOutageTests.OutageWriter()
        let harness = PBXHarness(configuration: configuration, writer: writer)
        let alice = Cast.alice
        let desk = Cast.bobDesk
        try await harness.provision(Cast.everyone)
        try await harness.core.start()
        do {
            // Two registrations wait for the refusing store: the bound is reached.
            _ = try await harness.register(desk)
            _ = try await harness.register(Cast.bobSoft)
            _ = try await eventually("the store refusing the writes") { writer.refusals >= 1 ? true : nil }
            let invite = alice.invite(desk.number, sdp: alice.sdp())
            harness.send(invite, from: alice)
            let refused = try await harness.outbound.response(503, .invite, to: alice.address)
            #expect(refused.reason == "Call Records Not Writable")
            #expect(refused.headers["Retry-After"] == "60")
            #expect(await harness.core.currentStatistics().callsRefusedStoreBacklog == 1)
            #expect(!harness.outbound.sent.contains { $0.response?.statusCode == 407 })

            writer.heal()
            _ = try await eventually("the waiting writes landed") { writer.applied.count == 2 ? true : nil }
            _ = try await harness.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            _ = try await harness.outbound.request(.invite, to: desk.address)
        } catch {
            writer.heal()
            await harness.core.shutdown()
            throw error
        }
        await harness.core.shutdown()
    }
}
