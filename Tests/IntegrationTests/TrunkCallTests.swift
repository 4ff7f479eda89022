import Foundation
import Testing
import VPBXControl
import VPBXMedia
import VPBXSRTP

extension Integration {
    /// SIP trunks against a sipp "provider" on its own loopback address (127.0.0.2): calls out
    /// through it answer its digest challenge, calls from it are routed by their DID, and a
    /// mobile extension rings its mobile number through it. Audio is checked both ways: the
    /// side calling sends 500 Hz, the side called 1000 Hz.
    @Suite("Trunks")
    struct TrunkCallTests {
        static let providerAddress = "127.0.0.2"
        static let trunkUser = "vpbx-office"
        static let trunkPassword = "tr-secret-77"
        static let callerTone = 500.0
        static let calleeTone = 1000.0

        /// The provider (sipp UAS on 127.0.0.2) and the trunk pointing at it: over UDP, TCP
        /// (`overTCP`), or TLS with `tlsCertificate` (stunnel in front of a TCP sipp, asking
        /// for a client certificate of `clientCA` when given); its answer offers SRTP under
        /// `answerKey` when given.
        static func provider(
            _ pbx: TestPBX, ear: RTPCapture, challenges: Int = 1, password: String = trunkPassword,
            extraTrunkOptions: [String] = [], overTCP: Bool = false, challengesBye: Bool = false,
            tlsCertificate: TLSCertificate? = nil, clientCA: TLSCertificate? = nil, answerKey: SRTPKeyMaterial? = nil
        ) async throws -> SippProcess {
            var peer = try SippPeer(.trunkAnswerChallenged).signalling(from: providerAddress)
                .key("rtp_listen", String(ear.port)).key("trunk_user", trunkUser).key("trunk_password", trunkPassword)
                .key("challenges", String(challenges)).key("bye_challenge", challengesBye ? "1" : "0")
                // An SRTP provider answers RTP/SAVP with its key (`answerKey`); a plain one RTP/AVP.
                .key("media_profile", answerKey == nil ? "RTP/AVP" : "RTP/SAVP")
                .key(
                    "media_key_line",
                    answerKey.map { "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\($0.base64)" } ?? "a=ptime:20")
            if overTCP || tlsCertificate != nil { peer = peer.overTCP() }
            var server = ["--host", "\(providerAddress):\(peer.port)"] + (overTCP ? ["--transport", "tcp"] : [])
            if let tlsCertificate {
                let terminator = try await pbx.tlsTerminator(
                    address: providerAddress, forwardingTo: "\(providerAddress):\(peer.port)",
                    certificate: tlsCertificate,
                    clientCA: clientCA)
                server = ["--host", "\(providerAddress):\(terminator.port)", "--transport", "tls"]
            }
            try await pbx.cli.succeed(
                ["trunk", "add", "provider"] + server
                    + ["--username", trunkUser, "--password", password, "--caller-id", "06 1 234 5600"]
                    + extraTrunkOptions)
            let process = try pbx.start(peer, name: "provider")
            try await Task.sleep(for: .milliseconds(300))
            try await process.requireListening()
            return process
        }

        /// Extension 1002 as a sipp phone at a static contact that answers and listens on
        /// `ear`, started and listening.
        static func answeringExtension(_ pbx: TestPBX, ear: RTPCapture) async throws -> SippProcess {
            let callee = try SippPeer(.answerListen).key("rtp_listen", String(ear.port))
            try await pbx.addExtension(
                Fixture.callee, password: Fixture.password(Fixture.callee),
                staticContact: pbx.contact(of: callee, number: Fixture.callee))
            let process = try pbx.start(callee, name: "callee")
            try await Task.sleep(for: .milliseconds(300))
            try await process.requireListening()
            return process
        }

        /// The provider's call `incoming` (a sipp caller listening on `providerEar`) to the
        /// answering extension `callee`: both talk (``talk``), the console hangs up, both sipps
        /// must have played their scenarios through. The call, and the provider's sipp result.
        static func callIn(
            _ pbx: TestPBX, from incoming: SippPeer, providerEar: RTPCapture, to callee: SippProcess,
            calleeEar: RTPCapture
        ) async throws -> (call: LiveCall, provider: SippResult) {
            let incomingProcess = try pbx.start(incoming, name: "incoming")
            let call = try await talk(pbx, callerEar: providerEar, calleeEar: calleeEar)
            try await pbx.cli.succeed(["call", "hangup", call.id])
            let incomingResult = await incomingProcess.finish()
            let calleeResult = await callee.finish()
            providerEar.stop()
            calleeEar.stop()
            try incomingResult.requireSuccess()
            try calleeResult.requireSuccess()
            return (call, incomingResult)
        }

        /// Once the call is answered with both legs' media anchored, each ear talks to its leg's
        /// engine port for 1.5 s; then each must have heard the other's tone.
        static func talk(_ pbx: TestPBX, callerEar: RTPCapture, calleeEar: RTPCapture) async throws -> LiveCall {
            let call = try await eventually("the call answered, its media anchored") {
                try await pbx.liveCalls().first { call in
                    call.state == "answered" && (call.legs ?? []).count == 2
                        && call.legs!.allSatisfy { $0.mediaPort != nil }
                }
            }
            callerEar.talk(frequency: callerTone, to: UInt16(call.legs![0].mediaPort!))
            calleeEar.talk(frequency: calleeTone, to: UInt16(call.legs![1].mediaPort!))
            try await Task.sleep(for: .milliseconds(1500))
            let heardByCallee = calleeEar.receivedAudio
            let heardByCaller = callerEar.receivedAudio
            let levels =
                "callee heard 500: \(Goertzel.amplitude(of: callerTone, in: heardByCallee)) of \(heardByCallee.count) samples; "
                + "caller heard 1000: \(Goertzel.amplitude(of: calleeTone, in: heardByCaller)) of \(heardByCaller.count)"
            #expect(Goertzel.amplitude(of: callerTone, in: heardByCallee) > 1000, "\(levels)")
            #expect(Goertzel.amplitude(of: calleeTone, in: heardByCaller) > 1000, "\(levels)")
            return call
        }

        /// 1001 dials `number`, which the provider answers; both talk (``talk``), the console
        /// hangs up, and both sipps must have played their scenarios through.
        static func talkingCall(
            _ pbx: TestPBX, dialling number: String, provider: SippProcess,
            ears: (caller: RTPCapture, provider: RTPCapture),
            callerClass: String? = nil
        ) async throws -> (call: LiveCall, provider: SippResult) {
            if let callerClass { try await pbx.cli.succeed(["ext", "set", Fixture.caller, "--outbound", callerClass]) }
            let caller = try pbx.phone(.callListen).service(number).caller(Fixture.caller)
                .key("rtp_listen", String(ears.caller.port))
                .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
            let callerProcess = try pbx.start(caller, name: "caller")
            let call = try await talk(pbx, callerEar: ears.caller, calleeEar: ears.provider)
            try await pbx.cli.succeed(["call", "hangup", call.id])
            let callerResult = await callerProcess.finish()
            let providerResult = await provider.finish()
            ears.caller.stop()
            ears.provider.stop()
            try callerResult.requireSuccess()
            try providerResult.requireSuccess()
            return (call, providerResult)
        }

        @Test(
            "a call out: 06 dialled, the provider's 401 answered with the trunk's credentials, E.164 sent, audio both ways"
        )
        func callOut() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let provider = try await Self.provider(pbx, ear: providerEar)
                let trunks = try await pbx.cli.json([TrunkInfo].self, ["trunk", "list"])
                #expect(
                    trunks.map(\.name) == ["provider"] && trunks[0].hasPassword && trunks[0].callerID == "+3612345600")
                let (call, providerResult) = try await Self.talkingCall(
                    pbx, dialling: "06301234567", provider: provider, ears: (callerEar, providerEar))
                #expect(call.callee == "+36301234567")
                let invites = providerResult.receivedMessages().filter { $0.hasPrefix("INVITE ") }
                #expect(invites.count == 2, "\(invites)")
                let answered = try #require(invites.last)
                #expect(answered.hasPrefix("INVITE sip:+36301234567@\(Self.providerAddress):"), "\(answered)")
                #expect(
                    answered.contains("<sip:+3612345600@\(Self.providerAddress)>;tag="), "From shows the trunk's number"
                )
                #expect(answered.contains("username=\"\(Self.trunkUser)\""), "\(answered)")
                #expect(answered.contains("CSeq: 2 INVITE"), "\(answered)")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "+36301234567")
                #expect(cdr.disposition == .answered && cdr.path == ["trunk:provider"], "\(cdr)")
            }
        }

        @Test(
            "a provider that challenges the BYE too: the engine's BYE is sent again with the trunk's credentials, which sipp verifies"
        )
        func challengedBye() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let provider = try await Self.provider(pbx, ear: providerEar, challengesBye: true)
                let (_, providerResult) = try await Self.talkingCall(
                    pbx, dialling: "06301234567", provider: provider, ears: (callerEar, providerEar))
                let byes = providerResult.receivedMessages().filter { $0.hasPrefix("BYE ") }
                #expect(byes.count == 2, "\(byes)")
                #expect(byes.last?.contains("username=\"\(Self.trunkUser)\"") == true, "\(byes)")
            }
        }

        @Test(
            "--qualify: a first trunk whose server does not answer OPTIONS is unreachable, and a call out goes to the next one at once"
        )
        func deadTrunkIsSkipped() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                // Nobody listens there: its OPTIONS go unanswered.
                let silent = try FreePorts.sipPort()
                try await pbx.cli.succeed(
                    ["trunk", "add", "dead", "--host", "127.0.0.3:\(silent)", "--priority", "1", "--qualify", "10"])
                let bad = try await pbx.cli.run(["trunk", "set", "dead", "--qualify", "5"])
                #expect(bad.exitCode == 2, "\(bad.summary)")
                let provider = try await Self.provider(pbx, ear: providerEar, extraTrunkOptions: ["--priority", "2"])
                let dead = try await eventually("the dead trunk found unreachable", timeout: .seconds(15)) {
                    try await pbx.cli.json([TrunkInfo].self, ["trunk", "list"]).first {
                        $0.name == "dead" && $0.reachability == "unreachable"
                    }
                }
                #expect(dead.qualifySeconds == 10)
                let shown = try await pbx.cli.run(["trunk", "show", "dead"], json: false)
                #expect(shown.stdout.contains("every 10 s: UNREACHABLE"), "\(shown.stdout)")
                // Tried first, the dead trunk would hold the call for its INVITE's 32 s timeout.
                let (_, providerResult) = try await Self.talkingCall(
                    pbx, dialling: "06301234567", provider: provider, ears: (callerEar, providerEar))
                #expect(providerResult.receivedMessages().filter { $0.hasPrefix("INVITE ") }.count == 2)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "+36301234567")
                #expect(cdr.disposition == .answered && cdr.path == ["trunk:provider"], "\(cdr)")
            }
        }

        @Test("a call out over TCP: the engine connects to the provider, the challenge and the call on that connection")
        func callOutOverTCP() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let provider = try await Self.provider(pbx, ear: providerEar, overTCP: true)
                let (call, providerResult) = try await Self.talkingCall(
                    pbx, dialling: "+44 20 7946 0018".filter { $0 != " " }, provider: provider,
                    ears: (callerEar, providerEar), callerClass: "international")
                #expect(call.callee == "+442079460018")
                let invite = try #require(providerResult.receivedMessages().last { $0.hasPrefix("INVITE ") })
                #expect(invite.hasPrefix("INVITE sip:+442079460018@\(Self.providerAddress):"), "\(invite)")
                #expect(invite.contains(";transport=tcp") && invite.contains("SIP/2.0/TCP"), "\(invite)")
            }
        }

        @Test(
            "a TCP provider that takes the INVITE and resets the connection: the caller's 480 at once, not after timer B"
        )
        func providerResetsTheConnection() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let server = try TCPListener(address: Self.providerAddress)
                try await pbx.cli.succeed(
                    [
                        "trunk", "add", "provider", "--host", "\(Self.providerAddress):\(server.port)", "--transport",
                        "tcp",
                    ])
                let caller = try pbx.phone(.callExpectUnavailable).service("06301234567").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let started = ContinuousClock.now
                let process = try pbx.start(caller, name: "caller")
                // The provider's server: takes the connection and the INVITE, then dies.
                let invite = try await Task.detached { () throws -> String in
                    guard let connection = server.accept(timeout: .seconds(10)) else {
                        throw HarnessError("the engine never connected to the provider")
                    }
                    let invite = try connection.readMessageWithBody(timeout: .seconds(10)).head
                    connection.resetConnection()
                    return invite
                }.value
                #expect(invite.hasPrefix("INVITE sip:+36301234567@\(Self.providerAddress)"), "\(invite)")
                // The scenario waits at most 25 s for its 480, less than timer B (32 s).
                try await process.finish().requireSuccess()
                let waited = ContinuousClock.now - started
                #expect(waited < .seconds(20), "\(waited)")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "+36301234567")
                #expect(cdr.disposition == .failed && cdr.path == ["trunk:provider"], "\(cdr)")
                let log = String(
                    decoding: FileManager.default.contents(atPath: pbx.engine.logFile.path) ?? Data(), as: UTF8.self)
                #expect(
                    log.contains("closing the TCP connection to \(Self.providerAddress)"), "\(pbx.engine.logTail())")
            }
        }

        @Test(
            "a provider that refuses the trunk's credentials: one answer to its challenge, the caller gets 480, not its 401"
        )
        func wrongTrunkPassword() async throws {
            try await TestPBX.run { pbx in
                let providerEar = try RTPCapture()
                defer { providerEar.stop() }
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let provider = try await Self.provider(pbx, ear: providerEar, challenges: 2, password: "wrong")
                let caller = try pbx.phone(.callExpectUnavailable).service("+36301234567").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let results = try await pbx.run(caller, name: "caller")
                try results.requireSuccess()
                let providerResult = await provider.finish()
                try providerResult.requireSuccess()
                #expect(providerResult.receivedMessages().filter { $0.hasPrefix("INVITE ") }.count == 2)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "+36301234567")
                #expect(cdr.disposition == .failed && cdr.cause == "503 Trunk Authentication Failed", "\(cdr)")
            }
        }

        @Test("a call in: the provider's call to a DID is taken without a challenge, routed to 1002, caller in E.164")
        func callIn() async throws {
            try await TestPBX.run { pbx in
                let (providerEar, calleeEar) = (try RTPCapture(), try RTPCapture())
                let calleeProcess = try await Self.answeringExtension(pbx, ear: calleeEar)
                let providerPort = try FreePorts.udpPort()
                try await pbx.cli.succeed([
                    "trunk", "add", "provider", "--host", "\(Self.providerAddress):\(providerPort)",
                ])
                try await pbx.cli.succeed(["route", "add", "06 1 234 5600", "--to", "ext:\(Fixture.callee)"])
                let routes = try await pbx.cli.json([RouteInfo].self, ["route", "list"])
                #expect(routes.map(\.number) == ["+3612345600"])
                // The provider sends the DID without the plus, the caller in national form.
                let incoming = try pbx.phone(.callListen, port: providerPort).signalling(from: Self.providerAddress)
                    .service("3612345600").caller("06301234567").key("rtp_listen", String(providerEar.port))
                let (call, incomingResult) = try await Self.callIn(
                    pbx, from: incoming, providerEar: providerEar, to: calleeProcess, calleeEar: calleeEar)
                #expect(call.caller == "+36301234567" && call.callee == Fixture.callee, "\(call)")
                #expect(!incomingResult.receivedMessages().contains { $0.hasPrefix("SIP/2.0 407") })
                let cdr = try await pbx.cdr(from: "+36301234567", to: "+3612345600")
                #expect(cdr.disposition == .answered, "\(cdr)")
                #expect(cdr.path == ["trunk:provider", "route:+3612345600", "ext:\(Fixture.callee)"], "\(cdr)")

                // A number without a route, and an extension's number, are not ways in.
                for number in ["3612345699", Fixture.callee] {
                    let refused = try pbx.phone(.callExpectNotFound, port: providerPort).signalling(
                        from: Self.providerAddress
                    )
                    .service(number).caller("06301234567")
                    try await pbx.run(refused, name: "refused-\(number)").requireSuccess()
                }
            }
        }

        @Test(
            "a mobile extension without a phone rings its mobile number through the trunk; the CDR names the extension")
        func mobileExtension() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.cli.succeed([
                    "ext", "add", "1003", "--name", "Mobile Mari", "--password", "pw-1003-secret", "--type", "mobile",
                    "--mobile", "06 30 999 8877",
                ])
                let provider = try await Self.provider(
                    pbx, ear: providerEar, extraTrunkOptions: ["--number-format", "national"])
                let (call, providerResult) = try await Self.talkingCall(
                    pbx, dialling: "1003", provider: provider, ears: (callerEar, providerEar))
                #expect(call.callee == "1003")
                let invite = try #require(providerResult.receivedMessages().last { $0.hasPrefix("INVITE ") })
                #expect(invite.hasPrefix("INVITE sip:06309998877@\(Self.providerAddress):"), "\(invite)")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "1003")
                #expect(cdr.disposition == .answered, "\(cdr)")
            }
        }

        @Test(
            "registering at the provider: challenged, refreshed before its 3 s lapse, unregistered when the trunk is removed"
        )
        func registration() async throws {
            try await TestPBX.run { pbx in
                let registrar = try SippPeer(.trunkRegistrar).signalling(from: Self.providerAddress)
                    .key("trunk_user", Self.trunkUser).key("trunk_password", Self.trunkPassword)
                let process = try pbx.start(registrar, name: "registrar")
                try await Task.sleep(for: .milliseconds(300))
                try await process.requireListening()
                try await pbx.cli.succeed([
                    "trunk", "add", "provider", "--host", "\(Self.providerAddress):\(registrar.port)", "--username",
                    Self.trunkUser, "--password", Self.trunkPassword, "--register", "on",
                ])
                // Registered for an hour only after the 3 s registration was refreshed.
                let refreshed = try await eventually("the registration refreshed for an hour", timeout: .seconds(15)) {
                    try await pbx.cli.json(TrunkInfo.self, ["trunk", "show", "provider"]).registeredUntil.flatMap {
                        $0.timeIntervalSinceNow > 1_800 ? $0 : nil
                    }
                }
                #expect(refreshed.timeIntervalSinceNow < 3_700)
                let shown = try await pbx.cli.json(TrunkInfo.self, ["trunk", "show", "provider"])
                #expect(shown.registration == "registered" && shown.registrationError == nil, "\(shown)")
                let status = try await pbx.cli.json(StatusReport.self, ["status"]).status
                #expect(status.trunks == 1 && status.trunksRegistered == 1 && status.trunksFailing == [], "\(status)")
                let text = try await pbx.cli.run(["status"], json: false)
                #expect(text.stdout.contains("1, 1 registered"), "\(text.summary)")
                try await pbx.cli.succeed(["trunk", "remove", "provider"])
                let result = await process.finish()
                try result.requireSuccess()
                let registers = result.receivedMessages().filter { $0.hasPrefix("REGISTER ") }
                #expect(registers.count == 6, "\(registers.count) REGISTERs")
                #expect(registers.last?.contains("Expires: 0") == true)
            }
        }
    }
}
