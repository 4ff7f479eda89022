import Foundation
import Testing
import VPBXControl

extension Integration {
    /// A trunk over TLS: the provider is the sipp of ``TrunkCallTests`` over TCP behind stunnel
    /// (its TLS server, with a certificate for 127.0.0.2), the engine connecting with
    /// `--transport tls` and checking that certificate against `--tls-ca-file`.
    @Suite("Trunks over TLS")
    struct TrunkTLSCallTests {
        /// The provider's certificate, for its address, in a directory of its own.
        static func providerCertificate(in directory: ScratchDirectory) async throws -> TLSCertificate {
            try await TLSCertificate.make(in: directory.url, commonName: "provider", address: TrunkCallTests.providerAddress)
        }

        @Test("a call out over TLS: the certificate checked against --tls-ca-file, the challenge and the call on that connection, audio both ways")
        func callOutOverTLS() async throws {
            let certificates = try ScratchDirectory()
            defer { certificates.remove() }
            let certificate = try await Self.providerCertificate(in: certificates)
            try await TestPBX.run(configure: { $0.tlsCAFile = certificate.certificateFile }) { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let provider = try await TrunkCallTests.provider(pbx, ear: providerEar, tlsCertificate: certificate)
                let trunk = try #require(try await pbx.cli.json([TrunkInfo].self, ["trunk", "list"]).first)
                #expect(trunk.transport == "tls")
                let (call, providerResult) = try await TrunkCallTests.talkingCall(
                    pbx, dialling: "06301234567", provider: provider, ears: (callerEar, providerEar))
                #expect(call.callee == "+36301234567")
                let invites = providerResult.receivedMessages().filter { $0.hasPrefix("INVITE ") }
                #expect(invites.count == 2, "challenged, then answered: \(invites)")
                let invite = try #require(invites.last)
                #expect(invite.hasPrefix("INVITE sip:+36301234567@\(TrunkCallTests.providerAddress):"), "\(invite)")
                #expect(invite.contains(";transport=tls") && invite.contains("SIP/2.0/TLS"), "\(invite)")
                #expect(invite.contains("username=\"\(TrunkCallTests.trunkUser)\""), "\(invite)")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "+36301234567")
                #expect(cdr.disposition == .answered && cdr.path == ["trunk:provider"], "\(cdr)")

                // A host given without a port means the transport's own: 5061 over TLS.
                let spare = try await pbx.cli.json(
                    TrunkInfo.self, ["trunk", "add", "spare", "--host", "127.0.0.9", "--transport", "tls", "--outbound", "off"])
                #expect(spare.port == 5061 && spare.transport == "tls")
                let moved = try await pbx.cli.json(TrunkInfo.self, ["trunk", "set", "spare", "--host", "127.0.0.8", "--transport", "udp"])
                #expect(moved.port == 5060 && moved.transport == "udp")
            }
        }

        @Test("a provider whose certificate no trusted CA signed: nothing reaches it, the caller gets 480 at once, the log says why")
        func untrustedProvider() async throws {
            let certificates = try ScratchDirectory()
            defer { certificates.remove() }
            let certificate = try await Self.providerCertificate(in: certificates)
            // No --tls-ca-file: the system's CAs, which never signed this self-made certificate.
            try await TestPBX.run { pbx in
                let providerEar = try RTPCapture()
                defer { providerEar.stop() }
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let provider = try await TrunkCallTests.provider(pbx, ear: providerEar, tlsCertificate: certificate)
                let caller = try pbx.phone(.callExpectUnavailable).service("06301234567").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let started = ContinuousClock.now
                // The scenario waits at most 25 s for its 480, less than the INVITE's timer B
                // (32 s): it passes only because the refused handshake fails the INVITE at once.
                try await pbx.run(caller, name: "caller").requireSuccess()
                let waited = ContinuousClock.now - started
                #expect(provider.receivedSoFar().isEmpty, "the provider got: \(provider.receivedSoFar())")
                let log = String(decoding: FileManager.default.contents(atPath: pbx.engine.logFile.path) ?? Data(), as: UTF8.self)
                #expect(log.contains("closing the TLS connection to \(TrunkCallTests.providerAddress)"), "\(pbx.engine.logTail())")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "+36301234567")
                #expect(cdr.disposition == .failed && cdr.path == ["trunk:provider"], "\(cdr)")
                print("untrusted TLS provider: the caller's 480 came \(waited) after the INVITE")
            }
        }
    }
}
