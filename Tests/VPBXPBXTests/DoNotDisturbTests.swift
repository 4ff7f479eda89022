import Foundation
import Testing
import VPBXSIP
import VPBXStore

@testable import VPBXPBX

/// Do not disturb (`*78`/`*79`, `vpbx ext set --dnd`): no call rings the extension's phones;
/// its callers are treated as when it has no phone (forward on no answer, voicemail, 480).
@Suite("Do not disturb", .timeLimit(.minutes(1)))
struct DoNotDisturbTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let carol = Cast.carol

    /// Bob's extension (101), registered, in do not disturb (with forwarding on no answer).
    private func doNotDisturb(_ pbx: PBXHarness, forwardNoAnswer: String? = nil) async throws {
        try await pbx.register(desk)
        var record = PBXHarness.extensionRecord(desk.number, password: desk.password)
        record.doNotDisturb = true
        record.forwardNoAnswer = forwardNoAnswer
        await pbx.core.extensionChanged(record)
    }

    /// The final answer to `invite` sent to Alice.
    private func finalAnswer(_ pbx: PBXHarness, to invite: SIPRequest) async throws -> SIPResponse {
        try await pbx.outbound.next("final answer to Alice") {
            $0.destination == alice.address && $0.cseqMethod == .invite && ($0.response?.statusCode ?? 0) >= 200
                && $0.response?.headers.callID == invite.headers.callID
        }.response!
    }

    @Test("a call to an extension in do not disturb rings none of its phones: 480 without a mailbox")
    func refusedWithoutAMailbox() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await doNotDisturb(pbx)
            let invite = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            let answer = try await finalAnswer(pbx, to: invite)
            #expect(answer.statusCode == 480)
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: desk.address) }, "the phone rang")
        }
    }

    @Test(
        "with a mailbox the caller goes to the unavailable greeting at once; with forward on no answer, there at once")
    func voicemailOrForward() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await doNotDisturb(pbx)
            await pbx.core.setMailbox(desk.number, enabled: true)
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            let voicemail = try await pbx.outbound.request(.invite, to: Application.peer)
            #expect(voicemail.uri.user == Application.voicemail(mailbox: desk.number, busy: false).user)
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: desk.address) }, "the phone rang")
        }
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            try await doNotDisturb(pbx, forwardNoAnswer: carol.number)
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            let forwarded = try await pbx.outbound.request(.invite, to: carol.address)
            #expect(forwarded.headers["Diversion"]?.hasSuffix(">;reason=unavailable;counter=1") == true)
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: desk.address) }, "the phone rang")
        }
    }

    @Test("switched off again, the phone rings")
    func offAgain() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await doNotDisturb(pbx)
            await pbx.core.extensionChanged(PBXHarness.extensionRecord(desk.number, password: desk.password))
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            _ = try await pbx.outbound.request(.invite, to: desk.address)
        }
    }

    @Test("a queue's offer skips an agent in do not disturb and rings the others; with none left it is not made")
    func queueOffersSkipIt() async throws {
        let dave = Phone("103", at: "192.0.2.40")
        try await PBXHarness.run(Cast.everyone + [dave]) { pbx in
            try await pbx.register(carol)
            try await pbx.register(dave)
            var agent = PBXHarness.extensionRecord(carol.number, password: carol.password)
            agent.doNotDisturb = true
            await pbx.core.extensionChanged(agent)
            let call = try await pbx.establish(from: alice, to: desk)  // desk stands in for the queue application
            let callID = call.callee.callID
            #expect(!(await pbx.core.handOn(callID: callID, toExtensions: [carol.number], step: "queue:q", timeoutSeconds: 20)))
            #expect(await pbx.core.handOn(callID: callID, toExtensions: [carol.number, dave.number], step: "queue:q", timeoutSeconds: 20))
            _ = try await pbx.outbound.request(.invite, to: dave.address)
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: carol.address) }, "the agent in DND rang")
        }
    }

    @Test("*78 and *79 are the caller's own do-not-disturb application, on and off")
    func featureCodes() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            for (code, user) in [("*78", "dnd-on-\(alice.number)"), ("*79", "dnd-off-\(alice.number)")] {
                _ = try await pbx.placeCall(from: alice, to: code, sdp: alice.sdp())
                let invite = try await pbx.outbound.next("INVITE to the application for \(code)") {
                    $0.isRequest(.invite, to: Application.peer) && $0.request?.uri.user == user
                }.request!
                #expect(Application(user: user) == .doNotDisturb(alice.number, on: code == "*78"))
                #expect(invite.uri.user == user)
            }
        }
    }
}
