import Dispatch
import NIOConcurrencyHelpers
import Testing
import VPBXSIP

@testable import VPBXNetwork

@Suite("SIPTransport against sipp", .enabled(if: SIPpRunner.isAvailable, "sipp (Debian package sip-tester) is not installed"))
struct SIPTransportSIPpTests {
    @Test(arguments: ["u1", "t1"])
    func sippOptionsAreAnswered(transport: String) async throws {
        let harness = try await TransportHarness.start()
        defer { Task { await harness.stop() } }

        let result = try await SIPpRunner.run(
            scenario: SIPpRunner.scenario("options-uac.xml"), transport: transport, port: harness.port, calls: 20)
        #expect(result.status == 0, "sipp exited \(result.status): \(result.output)")
        #expect(harness.transport.statistics.messagesParsed >= 20)
        #expect(harness.transport.statistics.droppedUnparseable == 0)
    }

    /// Answers sent from another thread, as the PBX core sends, reach sipp in order while the
    /// transport switches between sending them there and handing them to the event loop:
    /// every other call's 180 is handed off and its 200 sent directly, the case where a 200
    /// could overtake its 180 (sipp fails such a call as an unexpected message).
    ///
    /// Each request is answered once: there is no transaction layer here, and a copy sipp
    /// resent because a loaded machine answered late (a parallel `swift test`) would get
    /// its 180 and 200 again, which sipp fails as unexpected once it waits for the BYE's 200.
    @Test func answersFromAnotherThreadKeepTheirOrderAcrossTheHandOff() async throws {
        let calls = NIOLockedValueBox(0)
        let answered = NIOLockedValueBox(Set<String>())
        let harness = try await TransportHarness.start { transport, inbound in
            guard let request = inbound.request, request.method != .ack else { return }
            let branch = (try? request.headers.topVia().branch) ?? nil
            guard let branch, answered.withLockedValue({ $0.insert(branch).inserted }) else { return }
            DispatchQueue.global().async {
                guard request.method == .invite else {
                    transport.sendResponse(SIPResponse(to: request, status: 200, toTag: "t1"), for: inbound)
                    return
                }
                let handOffFirst = calls.withLockedValue { count in
                    count += 1
                    return count % 2 == 0
                }
                transport.sendsFromEventLoops = handOffFirst
                transport.sendResponse(SIPResponse(to: request, status: 180, toTag: "t1"), for: inbound)
                transport.sendsFromEventLoops = !handOffFirst
                transport.sendResponse(SIPResponse(to: request, status: 200, toTag: "t1"), for: inbound)
            }
        }
        defer { Task { await harness.stop() } }

        let result = try await SIPpRunner.run(
            scenario: SIPpRunner.scenario("invite-ringing-uac.xml"), transport: "u1", port: harness.port, calls: 200)
        #expect(result.status == 0, "sipp exited \(result.status): \(result.output)")
        #expect(calls.withLockedValue { $0 } >= 200)
        #expect(harness.transport.statistics.sendFailures == 0)
    }
}
