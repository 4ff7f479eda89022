import Foundation
import Testing
@testable import VPBXPBX

/// The core tells its transport when inputs pile up, so sends can leave its thread then
/// (``SIPOutbound/coreLoadChanged(busy:)``), and when it has caught up.
@Suite struct CoreBacklogTests {
    @Test func aPileOfInputIsReportedAsBacklogAndCatchingUpAsItsEnd() async throws {
        let harness = PBXHarness()
        let phone = Phone("2001", at: "192.0.2.40")
        // Queued before the core runs, so its first batch holds all of them.
        let pile = 3 * PBXCore.backlogBatchSize
        for index in 0..<pile { harness.send(PBXHarness.options(from: phone, callID: "pile-\(index)"), from: phone) }
        try await harness.core.start()
        do {
            for index in 0..<pile {
                _ = try await harness.outbound.next("answer to OPTIONS \(index)") {
                    $0.response?.headers.callID == "pile-\(index)"
                }
            }
            #expect(harness.outbound.loadChanges.first == true)
            // The next batch (a timer tick or this request) is small: caught up.
            try await harness.settle(via: phone)
            #expect(harness.outbound.loadChanges == [true, false])
        } catch {
            await harness.core.shutdown()
            throw error
        }
        await harness.core.shutdown()
    }

    @Test func aCoreThatKeepsUpNeverReportsBacklog() async throws {
        try await PBXHarness.run([]) { harness in
            let phone = Phone("2001", at: "192.0.2.40")
            for _ in 0..<20 { try await harness.settle(via: phone) }
            #expect(harness.outbound.loadChanges.isEmpty)
        }
    }
}
