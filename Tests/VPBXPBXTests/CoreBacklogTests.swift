import Foundation
import Testing
@testable import VPBXPBX
import VPBXSIP
import VPBXSignaling

/// The core tells its transport when inputs pile up, so sends can leave its thread then
/// (``SIPOutbound/coreLoadChanged(busy:)``), and when it has caught up.
@Suite struct CoreBacklogTests {
    @Test func aPileOfInputIsReportedAsBacklogAndCatchingUpAsItsEnd() async throws {
        let harness = PBXHarness()
        let phone = Phone("2001", at: "192.0.2.40")
        // Queued before the core runs, so its first batch holds all of them.
        let pile = 3 * PBXCore.backlogBatchSize
        for index in 0..<pile { harness.send(Self.options(from: phone, callID: "pile-\(index)"), from: phone) }
        try await harness.core.start()
        for index in 0..<pile {
            _ = try await harness.outbound.next("answer to OPTIONS \(index)") {
                $0.response?.headers.callID == "pile-\(index)"
            }
        }
        #expect(harness.outbound.loadChanges.first == true)
        // The next batch (a timer tick or this request) is small: caught up.
        try await harness.settle(via: phone)
        #expect(harness.outbound.loadChanges == [true, false])
        await harness.core.shutdown()
    }

    @Test func aCoreThatKeepsUpNeverReportsBacklog() async throws {
        try await PBXHarness.run([]) { harness in
            let phone = Phone("2001", at: "192.0.2.40")
            for _ in 0..<20 { try await harness.settle(via: phone) }
            #expect(harness.outbound.loadChanges.isEmpty)
        }
    }

    static func options(from phone: Phone, callID: String) -> SIPRequest {
        SIPRequest(
            method: .options, uri: SIPURI(host: Phone.domain),
            headers: SIPHeaders([
                ("Via", phone.via()), ("Max-Forwards", "70"), ("From", "<\(phone.aor)>;tag=\(SIPIdentifiers.tag())"),
                ("To", "<sip:\(Phone.domain)>"), ("Call-ID", callID), ("CSeq", "1 OPTIONS"),
            ]))
    }
}
