import Foundation
import Testing
import VPBXControl
import VPBXMedia
import VPBXSRTP

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
                // Moved to TLS on the old transport's default port: TLS's own; a port of its own stays.
                let secured = try await pbx.cli.json(TrunkInfo.self, ["trunk", "set", "spare", "--transport", "tls"])
                #expect(secured.port == 5061, "\(secured)")
                _ = try await pbx.cli.json(TrunkInfo.self, ["trunk", "set", "spare", "--host", "127.0.0.8:5070"])
                let ownPort = try await pbx.cli.json(TrunkInfo.self, ["trunk", "set", "spare", "--transport", "tcp"])
                #expect(ownPort.port == 5070 && ownPort.transport == "tcp", "\(ownPort)")
            }
        }

        @Test("SRTP over TLS: the provider offered RTP/SAVP with the engine's key; its encrypted audio reaches the caller plain, the caller's reaches it encrypted")
        func srtpOverTLS() async throws {
            let certificates = try ScratchDirectory()
            defer { certificates.remove() }
            let certificate = try await Self.providerCertificate(in: certificates)
            try await TestPBX.run(configure: { $0.tlsCAFile = certificate.certificateFile }) { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                let providerKey = SRTPKeyMaterial.random()
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let provider = try await TrunkCallTests.provider(
                    pbx, ear: providerEar, extraTrunkOptions: ["--srtp", "mandatory"], tlsCertificate: certificate,
                    answerKey: providerKey)
                let caller = try pbx.phone(.callListen).service("06301234567").caller(Fixture.caller)
                    .key("rtp_listen", String(callerEar.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let callerProcess = try pbx.start(caller, name: "caller")
                let call = try await eventually("the call answered, its media anchored") {
                    try await pbx.liveCalls().first { call in
                        call.state == "answered" && (call.legs ?? []).count == 2 && call.legs!.allSatisfy { $0.mediaPort != nil }
                    }
                }
                // The engine's key for the provider, from the INVITE it answered.
                let invite = try #require(provider.receivedSoFar().last { $0.hasPrefix("INVITE ") })
                #expect(invite.contains("RTP/SAVP 8"), "\(invite)")
                let keyLine = try #require(
                    invite.split(whereSeparator: \.isNewline).first { $0.hasPrefix("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:") })
                let engineKey = try #require(
                    SRTPKeyMaterial(base64: keyLine.split(separator: ":").last!.trimmingCharacters(in: .whitespacesAndNewlines)))

                callerEar.talk(frequency: TrunkCallTests.callerTone, to: UInt16(call.legs![0].mediaPort!))
                providerEar.talk(
                    frequency: TrunkCallTests.calleeTone, to: UInt16(call.legs![1].mediaPort!), srtpKey: providerKey)
                try await Task.sleep(for: .milliseconds(1500))
                try await pbx.cli.succeed(["call", "hangup", call.id])
                let callerResult = await callerProcess.finish()
                let providerResult = await provider.finish()
                callerEar.stop()
                providerEar.stop()
                try callerResult.requireSuccess()
                try providerResult.requireSuccess()

                let heardByCaller = callerEar.receivedAudio
                let heardByProvider = providerEar.receivedAudio(decryptingWith: engineKey)
                let levels =
                    "caller heard 1000 Hz: \(Goertzel.amplitude(of: TrunkCallTests.calleeTone, in: heardByCaller)) "
                    + "of \(heardByCaller.count) samples; provider heard 500 Hz: "
                    + "\(Goertzel.amplitude(of: TrunkCallTests.callerTone, in: heardByProvider.samples)) of "
                    + "\(heardByProvider.samples.count), \(heardByProvider.rejected) packets not under the engine's key"
                #expect(Goertzel.amplitude(of: TrunkCallTests.calleeTone, in: heardByCaller) > 1000, "\(levels)")
                #expect(Goertzel.amplitude(of: TrunkCallTests.callerTone, in: heardByProvider.samples) > 1000, "\(levels)")
                #expect(heardByProvider.rejected == 0, "everything to the provider encrypted: \(levels)")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "+36301234567")
                #expect(cdr.disposition == .answered && cdr.path == ["trunk:provider"], "\(cdr)")
            }
        }

        @Test("mutual TLS: a provider that asks for the exchange's certificate gets the engine's own (--tls-certificate); without one it refuses, and the caller gets 480 at once")
        func mutualTLS() async throws {
            let certificates = try ScratchDirectory()
            defer { certificates.remove() }
            let certificate = try await Self.providerCertificate(in: certificates)
            let engineCertificate = try await TLSCertificate.make(in: certificates.file("engine"), commonName: "vpbx")
            try await TestPBX.run(configure: { options in
                options.tlsCAFile = certificate.certificateFile
                try options.enableTLS(engineCertificate)
            }) { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let provider = try await TrunkCallTests.provider(
                    pbx, ear: providerEar, tlsCertificate: certificate, clientCA: engineCertificate)
                let (_, providerResult) = try await TrunkCallTests.talkingCall(
                    pbx, dialling: "06301234567", provider: provider, ears: (callerEar, providerEar))
                #expect(providerResult.receivedMessages().contains { $0.hasPrefix("INVITE ") })

                // The same engine without a certificate of its own: the provider refuses it.
                try await pbx.restart { options in
                    options.sipTLSPort = nil
                    options.tlsCertificate = nil
                }
                let caller = try pbx.phone(.callExpectUnavailable).service("06301234567").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.run(caller, name: "refused-caller").requireSuccess()
                let cdrs = try await pbx.cdrs().filter { $0.callee == "+36301234567" }
                #expect(cdrs.map(\.disposition).sorted { $0.rawValue < $1.rawValue } == [.answered, .failed], "\(cdrs)")
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
                let logBytes = FileManager.default.contents(atPath: pbx.engine.logFile.path) ?? Data()
                let log = String(decoding: logBytes, as: UTF8.self)
                #expect(log.contains("closing the TLS connection to \(TrunkCallTests.providerAddress)"), "\(pbx.engine.logTail())")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "+36301234567")
                #expect(cdr.disposition == .failed && cdr.path == ["trunk:provider"], "\(cdr)")
                print("untrusted TLS provider: the caller's 480 came \(waited) after the INVITE")
            }
        }
    }
}
