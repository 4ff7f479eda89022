import Testing

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
}
