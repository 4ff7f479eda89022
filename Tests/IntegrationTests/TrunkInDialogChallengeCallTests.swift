import Foundation
import Testing
import VPBXControl

extension Integration {
    /// A provider that challenges requests within a call, against sipp: a phone's re-INVITE
    /// the engine relays to it is challenged, and the engine answers with the trunk's
    /// credentials instead of passing the challenge to a phone that has none for it.
    @Suite("Trunks: challenges within a call")
    struct TrunkInDialogChallengeCallTests {
        typealias Trunks = TrunkCallTests

        @Test("the provider's 401 to a relayed re-INVITE is answered with the trunk's credentials, which sipp verifies; the phone gets the 200")
        func relayedReInviteChallenge() async throws {
            try await TestPBX.run { pbx in
                let providerEar = try RTPCapture()
                defer { providerEar.stop() }
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let peer = try SippPeer(.trunkAnswerReInviteChallenged).signalling(from: Trunks.providerAddress)
                    .key("rtp_listen", String(providerEar.port)).key("trunk_user", Trunks.trunkUser)
                    .key("trunk_password", Trunks.trunkPassword)
                try await pbx.cli.succeed([
                    "trunk", "add", "provider", "--host", "\(Trunks.providerAddress):\(peer.port)", "--username",
                    Trunks.trunkUser, "--password", Trunks.trunkPassword,
                ])
                let provider = try pbx.start(peer, name: "provider")
                try await Task.sleep(for: .milliseconds(300))
                try await provider.requireListening()
                // The phone moves its RTP port 2 s after the answer: a re-INVITE the engine
                // relays (a hold it would answer itself); then the provider hangs up.
                let phone = try pbx.phone(.callReInviteAwaitBye).service("06301234567").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let phoneResult = try await pbx.run(phone, name: "caller")
                let providerResult = await provider.finish()
                try providerResult.requireSuccess()
                try phoneResult.requireSuccess()

                let invites = providerResult.receivedMessages().filter { $0.hasPrefix("INVITE ") }
                #expect(invites.count == 3, "the call's INVITE, the re-INVITE and it again: \(invites)")
                let again = try #require(invites.last)
                #expect(again.contains("username=\"\(Trunks.trunkUser)\""), "\(again)")
                #expect(!phoneResult.receivedMessages().contains { $0.hasPrefix("SIP/2.0 401") }, "the phone never sees it")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "+36301234567")
                #expect(cdr.disposition == .answered && cdr.path == ["trunk:provider"], "\(cdr)")
            }
        }
    }
}

extension Integration.TrunkInDialogChallengeCallTests {
    typealias Transfers = Integration.TransferCallTests

    @Test("attended transfer to a mobile called out: the provider's 401 to the join's re-INVITE is answered with credentials sipp verifies; the transfer completes")
    func joinChallenge() async throws {
        try await TestPBX.run { pbx in
            let providerEar = try RTPCapture()
            defer { providerEar.stop() }
            let desk = try SippPeer(.answer)
            try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
            try await pbx.addExtension(
                Fixture.callee, password: Fixture.password(Fixture.callee),
                staticContact: pbx.contact(of: desk, number: Fixture.callee))
            let peer = try SippPeer(.trunkAnswerReInviteChallenged).signalling(from: Trunks.providerAddress)
                .key("rtp_listen", String(providerEar.port)).key("trunk_user", Trunks.trunkUser)
                .key("trunk_password", Trunks.trunkPassword)
            try await pbx.cli.succeed([
                "trunk", "add", "provider", "--host", "\(Trunks.providerAddress):\(peer.port)", "--username",
                Trunks.trunkUser, "--password", Trunks.trunkPassword,
            ])
            let provider = try pbx.start(peer, name: "provider")
            let deskProcess = try pbx.start(desk, name: "desk")
            try await Task.sleep(for: .milliseconds(300))
            try await provider.requireListening()
            try await deskProcess.requireListening()

            // 1001 calls the desk (1002), which calls a mobile on its second line and transfers
            // 1001 to it; the provider hangs the joined call up, which ends 1001's.
            let caller = try pbx.phone(.callAwaitBye).service(Fixture.callee).caller(Fixture.caller)
                .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
            let callerProcess = try pbx.start(caller, name: "caller")
            let dialog = try await Transfers.deskDialog(deskProcess, callerProcess: callerProcess)
            let consult = try Transfers.consultAndTransfer(pbx, naming: dialog, name: "consult", calling: "06301234567")
            try await consult.finish().requireSuccess()  // 202, NOTIFY 100 and 200, the engine's BYE
            try await deskProcess.finish().requireSuccess()  // hung up by the engine
            let providerResult = await provider.finish()
            try providerResult.requireSuccess()  // the re-INVITE's credentials verified, its BYE answered
            try await callerProcess.finish().requireSuccess()  // the provider's BYE reached 1001

            let invites = providerResult.receivedMessages().filter { $0.hasPrefix("INVITE ") }
            #expect(invites.count == 3, "the consultation's INVITE, the join's re-INVITE and it again: \(invites)")
            #expect(invites.last?.contains("username=\"\(Trunks.trunkUser)\"") == true, "\(invites.last ?? "")")
            let record = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
            #expect(record.path?.contains("transfer:+36301234567") == true, "\(record.path ?? [])")
        }
    }
}
