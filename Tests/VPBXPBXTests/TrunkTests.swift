import Foundation
import Testing
import VPBXPBX
import VPBXSIP
import VPBXSignaling
import VPBXStore
import VPBXText

/// SIP trunks in the core: the provider's challenge answered with the trunk's credentials,
/// calls from the provider taken by address and routed by DID, never sent back out.
@Suite("Trunks", .timeLimit(.minutes(1)))
struct TrunkTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk
    let carol = Cast.carol
    /// The provider's server, as a "phone" that sends and answers what a provider would.
    let provider = Phone("+3612345600", at: "192.0.2.77")

    private func plan(routes: [String: Destination] = [:], inbound: Destination? = nil) -> DialPlan {
        var plan = DialPlan(routes: routes)
        plan.trunks = [
            Trunk(
                name: "carrier", host: provider.address.host, username: "office", password: "tr-secret",
                callerID: "+3612345600", numberFormat: .digits, inbound: inbound)
        ]
        return plan
    }

    @Test("a 407 from the provider is answered once with Proxy-Authorization in a new INVITE; its 2xx is ACKed with CSeq 2")
    func providerChallengeIsAnswered() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan())
            let invite = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
            let first = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(first.uri.user == "36301234567" && first.uri.host == provider.address.host)
            #expect(try first.headers.from().uri.user == "+3612345600")
            #expect(first.headers["Proxy-Authorization"] == nil)
            var challenge = provider.respond(to: first, status: 407, toTag: "p1")
            challenge.headers.add(
                "Proxy-Authenticate", "Digest realm=\"carrier.example\", nonce=\"n-42\", qop=\"auth\", algorithm=MD5")
            pbx.send(challenge, from: provider)
            _ = try await pbx.outbound.request(.ack, to: provider.address)
            let second = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(try second.headers.cseq().number == 2)
            #expect(second.headers.callID == first.headers.callID)
            #expect(try second.headers.from().tag == first.headers.from().tag)
            let credentials = try DigestCredentials(parsing: try #require(second.headers["Proxy-Authorization"]))
            #expect(credentials.username == "office" && credentials.realm == "carrier.example" && credentials.nonce == "n-42")
            let ha1 = DigestHash.ha1(username: "office", realm: "carrier.example", password: "tr-secret", algorithm: .md5)
            #expect(credentials.response == DigestHash.response(ha1: ha1, method: "INVITE", credentials: credentials))
            #expect(credentials.uri == second.uri.serialized)

            pbx.send(provider.respond(to: second, status: 200, toTag: "p2", sdp: provider.sdp(port: 4100)), from: provider)
            let ack = try await pbx.outbound.request(.ack, to: provider.address)
            #expect(try ack.headers.cseq().number == 2)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            let cdr = try await eventually("the call's CDR row") {
                try await pbx.cdrs.search(CDRQuery(number: "+36301234567")).first
            }
            #expect(cdr.callee == "+36301234567" && cdr.caller == alice.number && cdr.path == ["trunk:carrier"])
            #expect(invite.uri.user == "06301234567")
        }
    }

    @Test("a call from the provider's address is not challenged and goes where its DID's route says")
    func providerCallIsRoutedByDID() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            await pbx.core.setDialPlan(plan(routes: ["+3612345601": .extension(desk.number)]))
            let call = Phone("06301234567", at: provider.address.host, port: 5099).invite("0612345601", sdp: alice.sdp())
            pbx.send(call, from: Phone("06301234567", at: provider.address.host, port: 5099))
            let rung = try await pbx.outbound.request(.invite, to: desk.address)
            #expect(try rung.headers.from().uri.user == "+36301234567")
            #expect(!pbx.outbound.sent.contains { $0.response?.statusCode == 407 })
        }
    }

    @Test("a call from the provider to a number without a route is refused, never sent out again")
    func providerCallIsNeverSentBackOut() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan())
            let caller = Phone("06301234567", at: provider.address.host, port: 5099)
            pbx.send(caller.invite("06209876543", sdp: alice.sdp()), from: caller)
            _ = try await pbx.outbound.response(404, .invite, to: caller.address)
            try await pbx.settle(via: alice)
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: provider.address) })
        }
    }

    @Test("the trunk's inbound destination takes calls to numbers without a route")
    func inboundDestinationCatchesTheRest() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            await pbx.core.setDialPlan(plan(inbound: .extension(desk.number)))
            let caller = Phone("+36301234567", at: provider.address.host)
            pbx.send(caller.invite("3612345699", sdp: alice.sdp()), from: caller)
            _ = try await pbx.outbound.request(.invite, to: desk.address)
        }
    }

    @Test("without an outbound trunk a public number is refused with 503; an extension number still rings")
    func noTrunkNoCallOut() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            _ = try await pbx.placeCall(from: alice, to: "+36301234567", sdp: alice.sdp())
            let refused = try await pbx.outbound.response(503, .invite, to: alice.address)
            #expect(refused.reason == "No Trunk Available")
        }
    }

    @Test("a mobile extension rings its mobile number through the trunk along with its phone")
    func mobileExtensionRingsItsMobile() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            let updated = try await pbx.extensions.update(
                desk.number, with: ExtensionPatch(kind: .mobile, mobileNumber: .set("+36309998877")))
            await pbx.core.extensionChanged(updated)
            await pbx.core.setDialPlan(plan())
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            _ = try await pbx.outbound.request(.invite, to: desk.address)
            let mobile = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(mobile.uri.user == "36309998877")
        }
    }

    @Test("a withheld number (CLIR): *31 before the number, or the extension's setting: From anonymous, the number in P-Asserted-Identity with Privacy: id; *32 shows it on one call")
    func withheldNumber() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan())
            _ = try await pbx.placeCall(from: alice, to: "*3106301234567", sdp: alice.sdp())
            let withheld = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(withheld.uri.user == "36301234567")
            let from = try withheld.headers.from()
            #expect(from.uri.user == "anonymous" && from.uri.host == "anonymous.invalid" && from.displayName == "Anonymous")
            #expect(withheld.headers["P-Asserted-Identity"] == "<sip:+3612345600@\(provider.address.host)>")
            #expect(withheld.headers["Privacy"] == "id")
            #expect(!(withheld.headers["Contact"] ?? "").contains("+3612345600"), "the Contact gave the number away")
            let cdr = try await eventually("the call's CDR row") {
                try await pbx.cdrs.search(CDRQuery(number: "+36301234567")).first
            }
            #expect(cdr.callee == "+36301234567" && cdr.path == ["withheld", "trunk:carrier"], "\(cdr)")

            // Without the code: the number shown, no privacy asked.
            _ = try await pbx.placeCall(from: alice, to: "06301234568", sdp: alice.sdp())
            let shown = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(try shown.headers.from().uri.user == "+3612345600" && shown.headers["Privacy"] == nil)

            // The extension's own setting withholds every call out.
            let clir = try await pbx.extensions.update(alice.number, with: ExtensionPatch(withholdNumber: true))
            await pbx.core.extensionChanged(clir)
            _ = try await pbx.placeCall(from: alice, to: "06301234569", sdp: alice.sdp())
            let always = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(try always.headers.from().uri.user == "anonymous" && always.headers["Privacy"] == "id")

            // `*32` shows it on one call all the same, the number dialled after it.
            _ = try await pbx.placeCall(from: alice, to: "*3206301234570", sdp: alice.sdp())
            let once = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(once.uri.user == "36301234570")
            #expect(try once.headers.from().uri.user == "+3612345600" && once.headers["Privacy"] == nil)
            #expect(once.headers["P-Asserted-Identity"] == nil)
            // And the next call is withheld again.
            _ = try await pbx.placeCall(from: alice, to: "06301234571", sdp: alice.sdp())
            let again = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(try again.headers.from().uri.user == "anonymous")
        }
    }

    @Test("an extension's outbound class: national refuses abroad and premium-rate (403), none still reaches 112")
    func outboundClassLimitsCallsOut() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan())
            for number in ["0049301234567", "0690123456"] {
                _ = try await pbx.placeCall(from: alice, to: number, sdp: alice.sdp())
                let refused = try await pbx.outbound.response(403, .invite, to: alice.address)
                #expect(refused.reason == "Not Allowed To Call This Number", "\(number)")
            }
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: provider.address) })

            let none = try await pbx.extensions.update(alice.number, with: ExtensionPatch(outboundClass: OutboundClass.none))
            await pbx.core.extensionChanged(none)
            _ = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
            _ = try await pbx.outbound.response(403, .invite, to: alice.address)
            _ = try await pbx.placeCall(from: alice, to: "112", sdp: alice.sdp())
            let emergency = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(emergency.uri.user == "112")

            let international = try await pbx.extensions.update(
                alice.number, with: ExtensionPatch(outboundClass: .international))
            await pbx.core.extensionChanged(international)
            _ = try await pbx.placeCall(from: alice, to: "0049301234567", sdp: alice.sdp())
            let abroad = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(abroad.uri.user == "49301234567")
        }
    }

    @Test("registering: the challenge answered once, a second one with the same nonce fails it; a 200 registers for what it grants")
    func registration() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            var registering = plan()
            registering.trunks[0].register = true
            await pbx.core.setDialPlan(registering)
            let first = try await pbx.outbound.request(.register, to: provider.address)
            #expect(first.uri.serialized == "sip:\(provider.address.host)" && first.headers["Expires"] == "600")
            #expect(try first.headers.to().uri.user == "office")
            var challenge = provider.respond(to: first, status: 401, toTag: "r1")
            challenge.headers.add("WWW-Authenticate", "Digest realm=\"carrier.example\", nonce=\"n-1\", qop=\"auth\"")
            pbx.send(challenge, from: provider)
            let second = try await pbx.outbound.request(.register, to: provider.address)
            #expect(try second.headers.cseq().number == 2 && second.headers.callID == first.headers.callID)
            let credentials = try DigestCredentials(parsing: try #require(second.headers["Authorization"]))
            let ha1 = DigestHash.ha1(username: "office", realm: "carrier.example", password: "tr-secret", algorithm: .md5)
            #expect(credentials.response == DigestHash.response(ha1: ha1, method: "REGISTER", credentials: credentials))
            var again = provider.respond(to: second, status: 401, toTag: "r1")
            again.headers.add("WWW-Authenticate", "Digest realm=\"carrier.example\", nonce=\"n-1\", qop=\"auth\"")
            pbx.send(again, from: provider)
            let failed = try await eventually("the registration failed") {
                if case .failed(let reason, _) = await pbx.core.trunkRegistrationStates()["carrier"] { return reason }
                return nil
            }
            #expect(failed.contains("refused the credentials"), "\(failed)")

            // The trunk changed (its password put right): a new registration, granted 120 s.
            registering.trunks[0].password = "tr-secret-2"
            await pbx.core.setDialPlan(registering)
            let fresh = try await pbx.outbound.request(.register, to: provider.address)
            #expect(fresh.headers.callID != first.headers.callID)
            var ok = provider.respond(to: fresh, status: 200, toTag: "r2")
            // The account's other binding (a desk phone on it too) is listed first: ours counts.
            ok.headers.add(
                "Contact", "<sip:office@192.0.2.200>;expires=3600, <sip:office@\(PBXHarness.advertisedHost)>;expires=120")
            pbx.send(ok, from: provider)
            let until = try await eventually("registered") {
                if case .registered(let until) = await pbx.core.trunkRegistrationStates()["carrier"] { return until }
                return nil
            }
            #expect(abs(until.timeIntervalSinceNow - 120) < 5, "\(until)")
        }
    }

    @Test("a TLS trunk: REGISTER and INVITE go over TLS to its port, to be checked for the host it names; the Request-URIs, Via and Contact say TLS")
    func tlsTrunk() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            pbx.hosts.set("sip.carrier.example", to: provider.address.host)
            var secure = plan()
            secure.trunks[0].host = "sip.carrier.example"
            secure.trunks[0].port = 5061
            secure.trunks[0].transport = .tls
            secure.trunks[0].register = true
            await pbx.core.setDialPlan(secure)
            // The transport checks the certificate for the name, not for the address it resolved to.
            let server = SIPPeerAddress(transport: .tls, host: provider.address.host, port: 5061, serverName: "sip.carrier.example")
            let register = try await pbx.outbound.request(.register, to: server)
            #expect(register.uri.serialized == "sip:sip.carrier.example;transport=tls")
            #expect(try register.headers.contacts().addresses.first?.uri.transportParameter == "tls")
            #expect(try register.headers.topVia().transport == "TLS")

            _ = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
            let invite = try await pbx.outbound.request(.invite, to: server)
            #expect(invite.uri.serialized == "sip:36301234567@sip.carrier.example;transport=tls")
            #expect(try invite.headers.topVia().transport == "TLS")
        }
    }

    @Test("a blind transfer to a mobile number goes out through the trunk, as far as the transferring extension may call")
    func transferToAMobile() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan())
            var call = try await pbx.establish(from: alice, to: desk)
            var refer = call.callee.request(.refer)
            refer.headers.add("Refer-To", "<sip:06301234567@\(Phone.domain)>")
            pbx.send(refer, from: desk)
            _ = try await pbx.outbound.response(202, .refer, to: desk.address)
            let out = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(out.uri.user == "36301234567")
            #expect(try out.headers.from().uri.user == "+3612345600", "the trunk's number, not the transferred caller's")

        }
        // An extension allowed no calls out cannot transfer out either.
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan())
            let none = try await pbx.extensions.update(desk.number, with: ExtensionPatch(outboundClass: OutboundClass.none))
            await pbx.core.extensionChanged(none)
            var call = try await pbx.establish(from: alice, to: desk)
            var refer = call.callee.request(.refer)
            refer.headers.add("Refer-To", "<sip:06301234567@\(Phone.domain)>")
            pbx.send(refer, from: desk)
            _ = try await pbx.outbound.response(404, .refer, to: desk.address)
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: provider.address) })
        }
    }

    @Test("a click-to-call to a customer's number rings the agent's phone, then the number through the trunk")
    func clickToCallOut() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan())
            try await pbx.register(alice)
            let started = try await pbx.core.originate(from: alice.number, to: "06 30 123 4567")
            #expect(started.caller == alice.number && started.callee == "+36301234567", "as the CRM typed it, in E.164")
            let invite = try await pbx.outbound.request(.invite, to: alice.address)
            pbx.send(alice.respond(to: invite, status: 200, toTag: "alice", sdp: alice.sdp(port: 4000)), from: alice)
            _ = try await pbx.outbound.request(.ack, to: alice.address)
            let out = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(out.uri.user == "36301234567")
            #expect(try out.headers.from().displayName == "Extension \(alice.number)")
        }
    }

    /// A backup trunk (national numbers) after the carrier; alice dials a mobile through them.
    /// The backup's server, and the INVITE the carrier got.
    private func callOutWithABackupTrunk(_ pbx: PBXHarness) async throws -> (backup: Phone, first: SIPRequest) {
        let backup = Phone("+3612345600", at: "192.0.2.78")
        var twoTrunks = plan()
        twoTrunks.trunks.append(Trunk(name: "backup", host: backup.address.host, numberFormat: .national, priority: 2))
        await pbx.core.setDialPlan(twoTrunks)
        _ = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
        return (backup, try await pbx.outbound.request(.invite, to: provider.address))
    }

    @Test("a trunk that fails (503) hands the number to the next outbound trunk; a busy callee is not retried")
    func failOverToTheNextTrunk() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (backup, first) = try await callOutWithABackupTrunk(pbx)
            pbx.send(provider.respond(to: first, status: 503, toTag: "down"), from: provider)
            let second = try await pbx.outbound.request(.invite, to: backup.address)
            #expect(second.uri.user == "06301234567")
            pbx.send(backup.respond(to: second, status: 486, toTag: "busy"), from: backup)
            _ = try await pbx.outbound.response(486, .invite, to: alice.address)
            let cdr = try await eventually("the call's CDR row") {
                try await pbx.cdrs.search(CDRQuery(number: "+36301234567")).first { $0.disposition != .inProgress }
            }
            #expect(cdr.path == ["trunk:carrier", "trunk:backup"] && cdr.disposition == .busy, "\(cdr)")
        }
    }

    @Test("a trunk the transport cannot reach (connection or certificate refused, connection failed): the next trunk at once; with none left, the caller's answer at once")
    func unreachableTrunkFailsAtOnce() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let (backup, first) = try await callOutWithABackupTrunk(pbx)
            pbx.core.undeliverable(first)
            // Timer B (32 s) is far beyond these waits: only the transport's report explains them.
            _ = try await pbx.outbound.request(.invite, to: backup.address, timeout: .seconds(5))
            // The backup's connection failing after the INVITE went out on it (a provider
            // refusing the engine's certificate under TLS 1.3) fails what was sent to it.
            pbx.core.connectionFailed(to: backup.address)
            _ = try await pbx.outbound.response(480, .invite, to: alice.address, timeout: .seconds(5))
            let cdr = try await eventually("the call's CDR row") {
                try await pbx.cdrs.search(CDRQuery(number: "+36301234567")).first { $0.disposition != .inProgress }
            }
            #expect(cdr.path == ["trunk:carrier", "trunk:backup"] && cdr.disposition == .failed, "\(cdr)")
        }
    }

    @Test("an extension with a caller ID of its own (its DID) shows it on calls out; others show the trunk's")
    func extensionCallerID() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan())
            let own = try await pbx.extensions.update(alice.number, with: ExtensionPatch(callerID: .set("+3612345601")))
            await pbx.core.extensionChanged(own)
            _ = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
            let out = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(try out.headers.from().uri.user == "+3612345601")
            #expect(try out.headers.from().displayName == "Extension \(alice.number)")
        }
    }

    @Test("the caller hanging up after the provider's challenge cancels the INVITE that answered it (CSeq 2, its branch)")
    func cancelAfterTheChallenge() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan())
            let invite = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
            let first = try await pbx.outbound.request(.invite, to: provider.address)
            var challenge = provider.respond(to: first, status: 407, toTag: "p1")
            challenge.headers.add("Proxy-Authenticate", "Digest realm=\"carrier.example\", nonce=\"n-7\"")
            pbx.send(challenge, from: provider)
            let second = try await pbx.outbound.request(.invite, to: provider.address)
            pbx.send(provider.respond(to: second, status: 180, toTag: "p2"), from: provider)
            _ = try await pbx.outbound.response(180, .invite, to: alice.address)
            pbx.send(alice.cancel(invite), from: alice)
            let cancel = try await pbx.outbound.request(.cancel, to: provider.address)
            #expect(try cancel.headers.cseq().number == 2)
            #expect(try cancel.headers.topVia().branch == second.headers.topVia().branch)
            _ = try await pbx.outbound.response(487, .invite, to: alice.address)
        }
    }

    /// Alice's call out through the trunk, answered by the provider (tag `p2`) and ACKed:
    /// alice's side of it.
    private func callOutAnswered(in pbx: PBXHarness) async throws -> PhoneDialog {
        let invite = try await pbx.placeCall(from: alice, to: "06301234567", sdp: alice.sdp())
        let out = try await pbx.outbound.request(.invite, to: provider.address)
        pbx.send(provider.respond(to: out, status: 200, toTag: "p2", sdp: provider.sdp(port: 4100)), from: provider)
        _ = try await pbx.outbound.request(.ack, to: provider.address)
        let ok = try await pbx.outbound.response(200, .invite, to: alice.address)
        let aliceDialog = try PhoneDialog(caller: alice, invite: invite, ok: ok)
        pbx.send(aliceDialog.ack(inviteCSeq: try invite.headers.cseq().number), from: alice)
        return aliceDialog
    }

    @Test(
        "a provider challenging the BYE gets it again once, with the trunk's credentials for BYE (CSeq one higher, a new branch); a second challenge is not answered"
    )
    func challengedByeIsAnswered() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan())
            var aliceDialog = try await callOutAnswered(in: pbx)
            pbx.send(aliceDialog.request(.bye), from: alice)
            _ = try await pbx.outbound.response(200, .bye, to: alice.address)

            let bye = try await pbx.outbound.request(.bye, to: provider.address)
            #expect(bye.headers["Authorization"] == nil)
            var challenge = provider.respond(to: bye, status: 401, toTag: "p2")
            challenge.headers.add("WWW-Authenticate", "Digest realm=\"carrier.example\", nonce=\"n-bye\", qop=\"auth\"")
            pbx.send(challenge, from: provider)
            let again = try await pbx.outbound.request(.bye, to: provider.address)
            #expect(try again.headers.cseq().number == bye.headers.cseq().number + 1)
            #expect(try again.headers.topVia().branch != bye.headers.topVia().branch)
            #expect(again.headers.callID == bye.headers.callID && again.uri == bye.uri)
            #expect(try again.headers.to().tag == "p2" && again.headers.from().tag == bye.headers.from().tag)
            let credentials = try DigestCredentials(parsing: try #require(again.headers["Authorization"]))
            #expect(credentials.username == "office" && credentials.nonce == "n-bye" && credentials.uri == bye.uri.serialized)
            let ha1 = DigestHash.ha1(username: "office", realm: "carrier.example", password: "tr-secret", algorithm: .md5)
            #expect(credentials.response == DigestHash.response(ha1: ha1, method: "BYE", credentials: credentials))

            // The same challenge again: the credentials are wrong, no third BYE.
            var second = provider.respond(to: again, status: 401, toTag: "p2")
            second.headers.add("WWW-Authenticate", "Digest realm=\"carrier.example\", nonce=\"n-bye\", qop=\"auth\"")
            pbx.send(second, from: provider)
            try await pbx.settle(via: alice)
            #expect(pbx.outbound.distinctCount { $0.isRequest(.bye, to: provider.address) } == 2)
        }
    }

    /// A call from the provider's `caller` that `phone` answers and then hangs up: the
    /// engine's BYE to the provider.
    private func answeredThenHungUp(_ invite: SIPRequest, from caller: Phone, by phone: Phone, in pbx: PBXHarness)
        async throws -> SIPRequest
    {
        pbx.send(invite, from: caller)
        let rung = try await pbx.outbound.request(.invite, to: phone.address)
        let answer = phone.respond(to: rung, status: 200, toTag: "answered", sdp: phone.sdp(port: 4200))
        pbx.send(answer, from: phone)
        let ok = try await pbx.outbound.response(200, .invite, to: caller.address)
        let callerDialog = try PhoneDialog(caller: caller, invite: invite, ok: ok)
        pbx.send(callerDialog.ack(inviteCSeq: try invite.headers.cseq().number), from: caller)
        var phoneDialog = try PhoneDialog(callee: phone, invite: rung, ok: answer)
        pbx.send(phoneDialog.request(.bye), from: phone)
        return try await pbx.outbound.request(.bye, to: caller.address)
    }

    @Test("an answered call from the provider: the extension's hang-up reaches the provider through its 407 on the BYE")
    func challengedByeOfAnIncomingCall() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            await pbx.core.setDialPlan(plan(routes: ["+3612345601": .extension(desk.number)]))
            let caller = Phone("06301234567", at: provider.address.host, port: 5099)
            let bye = try await answeredThenHungUp(
                caller.invite("0612345601", sdp: alice.sdp()), from: caller, by: desk, in: pbx)
            var challenge = caller.respond(to: bye, status: 407, toTag: "unused")
            challenge.headers.add("Proxy-Authenticate", "Digest realm=\"carrier.example\", nonce=\"n-in\", algorithm=SHA-256")
            pbx.send(challenge, from: caller)
            let again = try await pbx.outbound.request(.bye, to: caller.address)
            let credentials = try DigestCredentials(parsing: try #require(again.headers["Proxy-Authorization"]))
            #expect(credentials.algorithm == .sha256 && credentials.nonce == "n-in")
            let ha1 = DigestHash.ha1(username: "office", realm: "carrier.example", password: "tr-secret", algorithm: .sha256)
            #expect(credentials.response == DigestHash.response(ha1: ha1, method: "BYE", credentials: credentials))
            #expect(try again.headers.cseq().number == bye.headers.cseq().number + 1)
        }
    }
    /// Two accounts at one provider: the same server address for both.
    private func twoAccounts() -> DialPlan {
        var plan = plan(inbound: .extension(desk.number))
        plan.trunks.append(
            Trunk(
                name: "second", host: provider.address.host, username: "office2", password: "tr-secret-2",
                callerID: "+3612345700", numberFormat: .digits, inbound: .extension(carol.number)))
        return plan
    }

    @Test(
        "two trunks at one address: a call is the trunk its Request-URI's line names, else the account it is sent to, else the number it is for, else the first"
    )
    func twoTrunksAtOneAddressAreToldApart() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(desk)
            try await pbx.register(carol)
            await pbx.core.setDialPlan(twoAccounts())
            let caller = Phone("06301234567", at: provider.address.host, port: 5099)
            func call(_ uri: String, to: String? = nil) -> SIPRequest {
                var invite = caller.invite("3612340000", sdp: alice.sdp())
                invite.uri = try! SIPURI(parsing: uri)
                if let to {
                    invite.headers.remove("To")
                    invite.headers.add("To", "<sip:\(to)@\(PBXHarness.advertisedHost)>")
                }
                return invite
            }
            // The registration's line parameter names the second trunk.
            pbx.send(call("sip:office@\(PBXHarness.advertisedHost);line=second"), from: caller)
            _ = try await pbx.outbound.request(.invite, to: carol.address)
            // No parameter: the second's account in the Request-URI.
            pbx.send(call("sip:office2@\(PBXHarness.advertisedHost)"), from: caller)
            _ = try await pbx.outbound.request(.invite, to: carol.address)
            // Neither: the second's own number in To.
            pbx.send(call("sip:unknown@\(PBXHarness.advertisedHost)", to: "+3612345700"), from: caller)
            _ = try await pbx.outbound.request(.invite, to: carol.address)
            // Nothing tells: the first trunk, as before.
            pbx.send(call("sip:unknown@\(PBXHarness.advertisedHost)"), from: caller)
            _ = try await pbx.outbound.request(.invite, to: desk.address)
        }
    }

    @Test("the registration's Contact names its trunk (line), and a BYE of the second account's call is answered with its own credentials")
    func secondAccountAnswersItsOwnChallenge() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(carol)
            var plan = twoAccounts()
            plan.trunks[1].register = true
            await pbx.core.setDialPlan(plan)
            let register = try await pbx.outbound.request(.register, to: provider.address)
            let contact = try #require(try register.headers.contacts().addresses.first)
            #expect(contact.uri.user == "office2")
            #expect(contact.uri.parameters.first { $0.name == "line" }?.value == "second")

            let caller = Phone("06301234567", at: provider.address.host, port: 5099)
            var invite = caller.invite("3612340000", sdp: alice.sdp())
            invite.uri = contact.uri
            let bye = try await answeredThenHungUp(invite, from: caller, by: carol, in: pbx)
            var challenge = caller.respond(to: bye, status: 401, toTag: "unused")
            challenge.headers.add("WWW-Authenticate", "Digest realm=\"carrier.example\", nonce=\"n-2\"")
            pbx.send(challenge, from: caller)
            let again = try await pbx.outbound.request(.bye, to: caller.address)
            let credentials = try DigestCredentials(parsing: try #require(again.headers["Authorization"]))
            #expect(credentials.username == "office2")
            let ha1 = DigestHash.ha1(username: "office2", realm: "carrier.example", password: "tr-secret-2", algorithm: .md5)
            #expect(credentials.response == DigestHash.response(ha1: ha1, method: "BYE", credentials: credentials))
        }
    }

    @Test(
        "a provider challenging a relayed re-INVITE (a phone's new address) gets it again with the trunk's credentials, CSeq one higher; its 200 is ACKed and reaches the phone"
    )
    func challengedReInviteIsAnswered() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan())
            var aliceDialog = try await callOutAnswered(in: pbx)

            // A new address (the engine answers a hold itself; this it relays).
            let moved = aliceDialog.request(.invite, sdp: alice.sdp(port: 4010))
            pbx.send(moved, from: alice)
            let relayed = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(relayed.headers["Proxy-Authorization"] == nil)
            var challenge = provider.respond(to: relayed, status: 407, toTag: "p2")
            challenge.headers.add("Proxy-Authenticate", "Digest realm=\"carrier.example\", nonce=\"n-hold\"")
            pbx.send(challenge, from: provider)
            _ = try await pbx.outbound.request(.ack, to: provider.address)  // the 407's, in its transaction
            let again = try await pbx.outbound.request(.invite, to: provider.address)
            #expect(try again.headers.cseq().number == relayed.headers.cseq().number + 1)
            #expect(again.headers.callID == relayed.headers.callID && again.body == relayed.body)
            let credentials = try DigestCredentials(parsing: try #require(again.headers["Proxy-Authorization"]))
            let ha1 = DigestHash.ha1(username: "office", realm: "carrier.example", password: "tr-secret", algorithm: .md5)
            #expect(credentials.response == DigestHash.response(ha1: ha1, method: "INVITE", credentials: credentials))
            // The phone never sees the provider's challenge (the engine's own 407 to its first
            // INVITE, CSeq 1, is another matter).
            let movedCSeq = try moved.headers.cseq().number
            #expect(
                !pbx.outbound.sent.contains {
                    $0.isResponse(407, .invite, to: alice.address) && (try? $0.response?.headers.cseq().number) == movedCSeq
                })

            pbx.send(provider.respond(to: again, status: 200, toTag: "p2", sdp: provider.sdp(port: 4100)), from: provider)
            let ack = try await pbx.outbound.request(.ack, to: provider.address)
            #expect(try ack.headers.cseq().number == again.headers.cseq().number)
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            pbx.send(aliceDialog.ack(inviteCSeq: try moved.headers.cseq().number), from: alice)

            // The dialog's numbering went on from the repeated re-INVITE.
            pbx.send(aliceDialog.request(.bye), from: alice)
            let bye = try await pbx.outbound.request(.bye, to: provider.address)
            #expect(try bye.headers.cseq().number > again.headers.cseq().number)
        }
    }
    @Test("an INFO (a key as SIP INFO) relayed to the provider and challenged there is sent again with credentials; its 200 reaches the phone")
    func challengedInfoIsAnswered() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            await pbx.core.setDialPlan(plan())
            var aliceDialog = try await callOutAnswered(in: pbx)
            var info = aliceDialog.request(.info)
            info.headers.add("Content-Type", "application/dtmf-relay")
            info.body = Array("Signal=5\r\nDuration=160\r\n".utf8)
            pbx.send(info, from: alice)
            let relayed = try await pbx.outbound.request(.info, to: provider.address)
            var challenge = provider.respond(to: relayed, status: 401, toTag: "p2")
            challenge.headers.add("WWW-Authenticate", "Digest realm=\"carrier.example\", nonce=\"n-info\"")
            pbx.send(challenge, from: provider)
            let again = try await pbx.outbound.request(.info, to: provider.address)
            #expect(try again.headers.cseq().number == relayed.headers.cseq().number + 1)
            #expect(again.body == relayed.body && again.headers.contentType == relayed.headers.contentType)
            let credentials = try DigestCredentials(parsing: try #require(again.headers["Authorization"]))
            let ha1 = DigestHash.ha1(username: "office", realm: "carrier.example", password: "tr-secret", algorithm: .md5)
            #expect(credentials.response == DigestHash.response(ha1: ha1, method: "INFO", credentials: credentials))
            pbx.send(provider.respond(to: again, status: 200, toTag: "p2"), from: provider)
            let answered = try await pbx.outbound.response(200, .info, to: alice.address)
            #expect(try answered.headers.cseq().number == info.headers.cseq().number)
            #expect(!pbx.outbound.sent.contains { $0.isResponse(401, .info, to: alice.address) })
        }
    }
}
