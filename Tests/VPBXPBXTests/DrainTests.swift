import Foundation
import Synchronization
import Testing
import VPBXSIP

@testable import VPBXPBX

/// Stopping once no call is left: `refuse-new` answers new calls and OPTIONS 503 while the
/// calls up go on; `when-idle` takes new calls; either reports the end only when the last
/// call is gone, and `cancel` goes back to normal.
@Suite("Drain", .timeLimit(.minutes(1)))
struct DrainTests {
    let caller = Phone("2001", at: "192.0.2.40")
    let callee = Phone("2002", at: "192.0.2.41")
    let other = Phone("2003", at: "192.0.2.42")

    /// Whether `drained()` has returned, watched from a task of its own.
    final class DrainWatch: Sendable {
        private let done = Mutex(false)
        var isDone: Bool { done.withLock { $0 } }

        init(_ core: PBXCore) {
            Task {
                await core.drained()
                self.done.withLock { $0 = true }
            }
        }
    }

    @Test("refuse-new: a new call and OPTIONS get 503 Draining with a Retry-After; the call up ends normally, then the drain is done")
    func refuseNewWaitsForTheLastCall() async throws {
        try await PBXHarness.run([caller, callee, other]) { harness in
            var call = try await harness.establish(from: caller, to: callee)
            await harness.core.startDrain(.refuseNewCalls)
            let watch = DrainWatch(harness.core)

            let second = other.invite("2002", sdp: other.sdp())
            harness.send(second, from: other)
            let refused = try await harness.outbound.response(503, .invite, to: other.address)
            #expect(refused.reason == "Draining" && refused.headers["Retry-After"] == "120")
            harness.send(other.ack(failure: refused, of: second), from: other)
            harness.send(PBXHarness.options(from: other, callID: "probe"), from: other)
            let probe = try await harness.outbound.next("the OPTIONS answer") { $0.response?.headers.callID == "probe" }
            #expect(probe.response?.statusCode == 503)
            #expect(await harness.core.currentStatistics().callsRefusedDraining == 1)
            #expect(await harness.core.drainStatus?.mode == .refuseNewCalls)

            // Registrations go on, and so does the call: its re-INVITE is relayed.
            try await harness.register(other)
            try await harness.settle(via: caller)
            #expect(!watch.isDone, "a call is still up")
            harness.send(call.caller.request(.bye), from: caller)
            _ = try await harness.outbound.response(200, .bye, to: caller.address)
            _ = try await eventually("the drain to find no call left") { watch.isDone ? true : nil }
        }
    }

    @Test("when-idle: new calls are taken; the drain is done only after they end, and at once when none is up")
    func whenIdleTakesNewCalls() async throws {
        try await PBXHarness.run([caller, callee, other]) { harness in
            var first = try await harness.establish(from: caller, to: callee)
            await harness.core.startDrain(.whenIdle)
            let watch = DrainWatch(harness.core)
            harness.send(other.invite("2001", sdp: other.sdp()), from: other)
            _ = try await harness.outbound.response(407, .invite, to: other.address)
            harness.send(PBXHarness.options(from: other, callID: "probe"), from: other)
            let probe = try await harness.outbound.next("the OPTIONS answer") { $0.response?.headers.callID == "probe" }
            #expect(probe.response?.statusCode == 200)
            try await harness.settle(via: caller)
            #expect(!watch.isDone)
            harness.send(first.caller.request(.bye), from: caller)
            _ = try await harness.outbound.response(200, .bye, to: caller.address)
            _ = try await eventually("the drain to find no call left") { watch.isDone ? true : nil }
            // Asked again with nothing up, it is done at once.
            await harness.core.drained()
        }
    }

    @Test("cancel: calls are taken again and an ended call no longer ends the engine")
    func cancelGoesBackToNormal() async throws {
        try await PBXHarness.run([caller, callee, other]) { harness in
            var call = try await harness.establish(from: caller, to: callee)
            await harness.core.startDrain(.refuseNewCalls)
            let watch = DrainWatch(harness.core)
            #expect(await harness.core.cancelDrain())
            #expect(await harness.core.cancelDrain() == false)
            #expect(await harness.core.drainStatus == nil)
            harness.send(other.invite("2001", sdp: other.sdp()), from: other)
            _ = try await harness.outbound.response(407, .invite, to: other.address)
            harness.send(call.caller.request(.bye), from: caller)
            _ = try await harness.outbound.response(200, .bye, to: caller.address)
            _ = try await eventually("the call to end") { await harness.core.counts().calls == 0 ? true : nil }
            try await harness.settle(via: caller)
            #expect(!watch.isDone, "no drain is under way")
        }
    }
}
