import Foundation
import Testing
import VPBXControl

extension Integration {
    /// `vpbx events` against a real engine while sipp places calls through it: what a
    /// wallboard or a CRM connector sees. The engine hands events to subscribers in batches
    /// (`EventBridge`), so order and completeness are checked end to end here, not only in
    /// the bridge's unit tests.
    @Suite("Event stream")
    struct EventStreamTests {
        private static let answeredCalls = 12
        /// Calls whose callee answers at once: their ringing and answer come within the
        /// 5 ms the bridge gathers events for (`EventBridge.linger`), so they are published
        /// in one batch, and a batch published out of order shows here.
        private static let quicklyAnsweredCalls = 6

        @Test("vpbx events during overlapping calls: seqs gap-free after the snapshot, each call started → answered → ended once, matching its CDR")
        func callsSeenThroughEvents() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                var callee = try SippPeer(.answer).echoingRTP()
                callee.calls = Self.answeredCalls
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: callee, number: Fixture.callee))
                let follower = try EventFollower(pbx.cli)
                let snapshotSeq = try await follower.snapshotSeq()
                let status = try await pbx.cli.json(StatusReport.self, ["status"]).status
                #expect(status.eventSubscribers == 1, "vpbx status counts the follower")
                #expect(status.eventSubscribersDropped == 0)

                // sipp's default rate (10 a second) with the callee answering after 0.5 s:
                // calls overlap, so their events interleave; four at most, as the test
                // engine has RTP ports for ten.
                var caller = try pbx.phone(.callHangup).service(Fixture.callee).caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                    .concurrentCalls(4)
                caller.calls = Self.answeredCalls
                let answered = try await pbx.call(caller: caller, callee: callee)
                try answered.caller.requireSuccess()
                try answered.callee.requireSuccess()

                var quickCallee = try SippPeer(.answerAtOnce).echoingRTP()
                quickCallee.calls = Self.quicklyAnsweredCalls
                try await pbx.cli.succeed(
                    ["ext", "set", Fixture.callee, "--static-contact", pbx.contact(of: quickCallee, number: Fixture.callee)])
                var quickCaller = try pbx.phone(.callHangup).service(Fixture.callee).caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                quickCaller.calls = Self.quicklyAnsweredCalls
                let quick = try await pbx.call(caller: quickCaller, callee: quickCallee)
                try quick.caller.requireSuccess()
                try quick.callee.requireSuccess()

                let busyCallee = try SippPeer(.busy)
                try await pbx.cli.succeed(
                    ["ext", "set", Fixture.callee, "--static-contact", pbx.contact(of: busyCallee, number: Fixture.callee)])
                let busyCaller = try pbx.phone(.callExpectBusy).service(Fixture.callee).caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let busy = try await pbx.call(caller: busyCaller, callee: busyCallee)
                try busy.caller.requireSuccess()
                try busy.callee.requireSuccess()

                let total = Self.answeredCalls + Self.quicklyAnsweredCalls + 1
                let records = try await eventually("\(total) call records") {
                    let records = try await pbx.cdrs()
                    return records.count == total ? records : nil
                }
                let events = try await eventually("call.ended for each of the \(total) calls", timeout: .seconds(20)) {
                    guard follower.process.isRunning else {
                        throw StopWaiting(reason: "vpbx events ended: \(follower.diagnosis)")
                    }
                    let events = try follower.events()
                    let ended = events.filter { $0.type == "call.ended" }.count
                    guard ended >= total else { throw HarnessError("\(ended) call.ended events so far") }
                    return events
                }

                // Every event once, in order: the first after the snapshot, then one apart.
                let seqs = events.map(\.seq)
                #expect(seqs == Array((snapshotSeq + 1)...(snapshotSeq + UInt64(seqs.count))), "seqs: \(seqs)")

                let byCall = Dictionary(grouping: events.filter { $0.topic == EventTopic.call }) {
                    $0.data["id"]?.stringValue ?? "(no id)"
                }
                #expect(Set(byCall.keys) == Set(records.map(\.id)), "event call ids vs CDR ids")
                for record in records {
                    let callEvents = byCall[record.id] ?? []
                    // The answering callee rings first (180); the busy one answers 486 at once.
                    let expected = record.disposition == .answered
                        ? ["call.started", "call.ringing", "call.answered", "call.ended"]
                        : ["call.started", "call.ended"]
                    #expect(callEvents.map(\.type) == expected, "call \(record.id)")
                    let ended = callEvents.last
                    #expect(ended?.data["disposition"]?.stringValue == record.disposition.rawValue, "call \(record.id)")
                    #expect(ended?.data["caller"]?.stringValue == Fixture.caller, "call \(record.id)")
                    #expect(ended?.data["callee"]?.stringValue == Fixture.callee, "call \(record.id)")
                }
                #expect(records.filter { $0.disposition == .answered }.count == Self.answeredCalls + Self.quicklyAnsweredCalls)
                #expect(records.filter { $0.disposition == .busy }.count == 1)
                #expect(follower.process.isRunning, "vpbx events ended: \(follower.diagnosis)")
                await follower.stop()  // if a check throws first, the child is killed when released
            }
        }
    }
}
