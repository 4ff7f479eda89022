import Foundation
import Testing
import VPBXPBX
import VPBXSIP
import VPBXStore

/// Static contacts named by host name (a door phone at `door.office.lan`): rung at the address
/// the name resolved to, with the name kept in the Request-URI.
@Suite("Calls: static contacts by host name", .timeLimit(.minutes(1)))
struct StaticContactHostTests {
    let alice = Cast.alice
    static let door = "105"

    private func addDoorPhone(_ pbx: PBXHarness, contact: String) async throws {
        var record = PBXHarness.extensionRecord(Self.door, password: "door-secret")
        record.staticContact = contact
        let stored = try await pbx.extensions.create(record)
        await pbx.core.extensionChanged(stored)
    }

    @Test("a resolved host name: the INVITE goes to its address and port, the Request-URI keeps the name")
    func resolvedName() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            pbx.hosts.set("door.office.lan", to: "192.0.2.50")
            try await addDoorPhone(pbx, contact: "sip:105@door.office.lan:5070")
            #expect(pbx.hosts.asked.contains("door.office.lan"), "not looked up when the extension was saved")
            _ = try await pbx.placeCall(from: alice, to: Self.door, sdp: alice.sdp())
            let invite = try await pbx.outbound.request(
                .invite, to: SIPPeerAddress(transport: .udp, host: "192.0.2.50", port: 5070))
            #expect(invite.uri.host == "door.office.lan")
            #expect(invite.uri.port == 5070)
        }
    }

    @Test("a name that has not resolved: the contact is not rung, the caller gets 480 and a CDR")
    func unresolvedName() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await addDoorPhone(pbx, contact: "sip:105@door.office.lan")
            _ = try await pbx.placeCall(from: alice, to: Self.door, sdp: alice.sdp())
            _ = try await pbx.outbound.response(480, .invite, to: alice.address)
            #expect(pbx.outbound.sent.allSatisfy { $0.request?.method != .invite })
            #expect(try await pbx.finishedCDR(of: alice.number).disposition == .failed)
        }
    }

    @Test("an IP address is used as it is, without asking the resolver")
    func addressLiteral() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await addDoorPhone(pbx, contact: "sip:105@192.0.2.51:5080")
            _ = try await pbx.placeCall(from: alice, to: Self.door, sdp: alice.sdp())
            _ = try await pbx.outbound.request(.invite, to: SIPPeerAddress(transport: .udp, host: "192.0.2.51", port: 5080))
            #expect(pbx.hosts.asked.isEmpty)
        }
    }
}
