import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Who a provider's call belongs to and what the provider is shown, against sipp: two
    /// accounts at one provider's address told apart by the account the call is sent to; a
    /// withheld number sent as anonymous with the number in P-Asserted-Identity, and `*32`
    /// showing it on one call.
    @Suite("Trunks: identity")
    struct TrunkIdentityCallTests {
        typealias Trunks = TrunkCallTests

        /// Trunks `first` (to 1001, which has no phone: its calls would get 480) and `second`
        /// (to 1002, a sipp phone answering on `calleeEar`) at one provider address and port;
        /// `first` and `second` add options to each. Returns 1002's sipp and the port.
        static func twoTrunksAtOneAddress(
            _ pbx: TestPBX, calleeEar: RTPCapture, first: [String], second: [String]
        ) async throws -> (callee: SippProcess, providerPort: UInt16) {
            let calleeProcess = try await Trunks.answeringExtension(pbx, ear: calleeEar)
            try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
            let providerPort = try FreePorts.udpPort()
            let server = "\(Trunks.providerAddress):\(providerPort)"
            try await pbx.cli.succeed(
                ["trunk", "add", "first", "--host", server, "--inbound", "ext:\(Fixture.caller)"] + first)
            try await pbx.cli.succeed(
                ["trunk", "add", "second", "--host", server, "--inbound", "ext:\(Fixture.callee)", "--priority", "2"]
                    + second)
            return (calleeProcess, providerPort)
        }

        @Test("two accounts at one provider address: a call sent to the second account goes to the second trunk's destination")
        func twoAccountsAtOneAddress() async throws {
            try await TestPBX.run { pbx in
                let (providerEar, calleeEar) = (try RTPCapture(), try RTPCapture())
                let (calleeProcess, providerPort) = try await Self.twoTrunksAtOneAddress(
                    pbx, calleeEar: calleeEar, first: ["--username", "office1"], second: ["--username", "office2"])
                // As a provider sends a call to the account it was registered under.
                let incoming = try pbx.phone(.callListen, port: providerPort).signalling(from: Trunks.providerAddress)
                    .service("office2").caller("06301234567").key("rtp_listen", String(providerEar.port))
                let (call, _) = try await Trunks.callIn(
                    pbx, from: incoming, providerEar: providerEar, to: calleeProcess, calleeEar: calleeEar)
                #expect(call.caller == "+36301234567", "\(call)")
                let cdr = try await pbx.cdr(from: "+36301234567", to: "office2")
                #expect(cdr.disposition == .answered && cdr.path == ["trunk:second", "ext:\(Fixture.callee)"], "\(cdr)")
            }
        }

        @Test("two trunks at one provider address: a call to the Contact of the second trunk's registration (line=second) goes to its destination")
        func lineOfTheRegistration() async throws {
            try await TestPBX.run { pbx in
                let (providerEar, calleeEar) = (try RTPCapture(), try RTPCapture())
                let (calleeProcess, providerPort) = try await Self.twoTrunksAtOneAddress(
                    pbx, calleeEar: calleeEar, first: [], second: [])
                // Neither the number called nor the caller names a trunk: only the line does.
                let incoming = try pbx.phone(.trunkCallInLine, port: providerPort).signalling(from: Trunks.providerAddress)
                    .service("3612345699").caller("06301234567").key("line", "second")
                    .key("rtp_listen", String(providerEar.port))
                _ = try await Trunks.callIn(
                    pbx, from: incoming, providerEar: providerEar, to: calleeProcess, calleeEar: calleeEar)
                let cdr = try await pbx.cdr(from: "+36301234567", to: "3612345699")
                #expect(cdr.disposition == .answered && cdr.path == ["trunk:second", "ext:\(Fixture.callee)"], "\(cdr)")
            }
        }

        @Test("a withheld number: From anonymous, the number in P-Asserted-Identity with Privacy: id; *32 shows it on the next call")
        func withheldNumber() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.cli.succeed(["ext", "set", Fixture.caller, "--withhold-number", "on"])
                var (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                var provider = try await Trunks.provider(pbx, ear: providerEar)
                let (_, withheld) = try await Trunks.talkingCall(
                    pbx, dialling: "06301234567", provider: provider, ears: (callerEar, providerEar))
                let hidden = try #require(withheld.receivedMessages().last { $0.hasPrefix("INVITE ") })
                #expect(hidden.contains("From: \"Anonymous\" <sip:anonymous@anonymous.invalid>"), "\(hidden)")
                #expect(hidden.contains("P-Asserted-Identity: <sip:+3612345600@"), "\(hidden)")
                #expect(hidden.contains("Privacy: id"), "\(hidden)")

                // The same trunk at a new provider process, for the call with *32.
                (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                try await pbx.cli.succeed(["trunk", "remove", "provider"])
                provider = try await Trunks.provider(pbx, ear: providerEar)
                let (call, shown) = try await Trunks.talkingCall(
                    pbx, dialling: "*3206301234570", provider: provider, ears: (callerEar, providerEar))
                #expect(call.callee == "+36301234570")
                let visible = try #require(shown.receivedMessages().last { $0.hasPrefix("INVITE ") })
                #expect(visible.contains("<sip:+3612345600@\(Trunks.providerAddress)>;tag="), "\(visible)")
                #expect(!visible.contains("anonymous") && !visible.contains("Privacy:"), "\(visible)")
            }
        }
    }
}
