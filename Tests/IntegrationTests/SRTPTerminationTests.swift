import Foundation
import Testing
import VPBXControl
import VPBXMedia

extension Integration {
    /// SRTP the engine terminates itself, against baresip (a real SRTP stack, libsrtp's
    /// keys in SDES) over TLS with mandatory SRTP: the engine's own applications answer an
    /// encrypted caller with a key of their own.
    @Suite("SRTP termination")
    struct SRTPTerminationTests {
        static let annaTone = 1000
        static let promptTone = 500
        static let belaTone = 600
        static let supervisorTone = 1500

        /// An engine with SIP over TLS (the keys travel in its SDP), for `body`.
        private func withTLSEngine(_ body: (TestPBX) async throws -> Void) async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "vpbx-srtp-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let certificate = try await TLSCertificate.make(in: directory)
            try await TestPBX.run(configure: { try $0.enableTLS(certificate) }, body)
        }

        /// Anna (1001, plain RTP over UDP, 1 kHz) and Bela (1002, TLS with mandatory SRTP, 600
        /// Hz, `--srtp mandatory`), registered; Anna's call to Bela answered.
        private func annaCallsSRTPBela(_ pbx: TestPBX) async throws -> (
            anna: BaresipPhone, bela: BaresipPhone, call: LiveCall
        ) {
            for number in [Fixture.caller, Fixture.callee] {
                try await pbx.addExtension(number, password: Fixture.password(number))
            }
            try await pbx.cli.succeed(["ext", "set", Fixture.callee, "--srtp", "mandatory"])
            let anna = try pbx.softphone(Fixture.caller, tone: Self.annaTone)
            let bela = try pbx.softphone(
                Fixture.callee, transport: "tls", tone: Self.belaTone, mediaEncryption: "srtp-mand")
            try await eventually("both registered") {
                let registered = try await pbx.registrations().map(\.extension)
                return Set(registered) == [Fixture.caller, Fixture.callee] ? true : nil
            }
            try anna.send("/dial sip:\(Fixture.callee)@\(anna.registrar)")
            let call = try await eventually("the call answered") {
                try await pbx.liveCalls().first { $0.state == "answered" }
            }
            return (anna, bela, call)
        }

        /// Requires that Anna heard Bela's tone, and Bela Anna's, for at least 2 s.
        private func expectEachHeardTheOther(_ anna: BaresipPhone, _ bela: BaresipPhone) throws {
            for (listener, tone) in [(anna, Self.belaTone), (bela, Self.annaTone)] {
                let tones = SoftphoneTests.frameTones(try listener.heardAudio())
                let heard = tones.filter { SoftphoneTests.isTone($0, tone) }.count
                #expect(
                    heard >= 20, "\(listener.number) heard \(tone) Hz in \(heard) of \(tones.count) frames: \(tones)")
            }
        }

        private func waitForCallEnd(_ phones: [BaresipPhone]) async throws {
            for phone in phones {
                try await eventually("\(phone.number) saw its call end") {
                    phone.log.contains("terminated (duration:") ? true : nil
                }
            }
        }

        @Test(
            "an SRTP-only softphone hears an announcement (500 Hz) under the engine's key and leaves a voicemail its 1 kHz tone is heard in"
        )
        func srtpCallerReachesApplications() async throws {
            try await withTLSEngine { pbx in
                try await Sox.sine(
                    URL(fileURLWithPath: pbx.options.promptsDirectory).appendingPathComponent("hu/closed.wav"),
                    rate: 8000,
                    channels: 1, seconds: 2, frequency: Self.promptTone, scratch: pbx.scratch)
                for number in [Fixture.caller, Fixture.callee] {
                    try await pbx.addExtension(number, password: Fixture.password(number))
                }
                try await pbx.cli.succeed(["ext", "set", Fixture.callee, "--voicemail", "on", "--vm-pin", "4711"])
                try await pbx.cli.succeed(["route", "add", "100", "--to", "play:closed"])
                try await pbx.cli.succeed(["route", "add", "101", "--to", "vm:\(Fixture.callee)"])
                let anna = try pbx.softphone(
                    Fixture.caller, transport: "tls", tone: Self.annaTone, mediaEncryption: "srtp-mand")
                try await eventually("Anna registered") {
                    try await pbx.registrations().first { $0.extension == Fixture.caller }
                }

                // The announcement: answered, played, hung up by the engine.
                try anna.send("/dial sip:100@\(anna.registrar);transport=tls")
                try await eventually("the announcement over", timeout: .seconds(20)) {
                    anna.log.components(separatedBy: "terminated (duration:").count == 2 ? true : nil
                }
                let tones = SoftphoneTests.frameTones(try anna.heardAudio())
                let heard = tones.filter { SoftphoneTests.isTone($0, Self.promptTone) }.count
                #expect(heard >= 15, "Anna heard the prompt in \(heard) of \(tones.count) frames: \(tones)")
                // Her key went nowhere: the engine answered RTP/SAVP with a key of its own.
                let media = anna.sdpLines(received: true, prefix: "m=audio")
                #expect(!media.isEmpty && media.allSatisfy { $0.contains(" RTP/SAVP ") }, "\(media)")
                let keys = anna.sdpLines(received: true, prefix: "a=crypto:")
                let sent = anna.sdpLines(received: false, prefix: "a=crypto:")
                #expect(keys.count == 1 && Set(keys).isDisjoint(with: Set(sent)), "got \(keys), sent \(sent)")
                let announcement = try await pbx.cdr(from: Fixture.caller, to: "100")
                #expect(announcement.disposition == .answered && announcement.hangupSide == .callee)

                // The voicemail: what she says (her tone) is decrypted and kept.
                try anna.send("/dial sip:101@\(anna.registrar);transport=tls")
                try await eventually("the voicemail answered") {
                    try await pbx.liveCalls().first { $0.state == "answered" }
                }
                try await Task.sleep(for: .seconds(5))
                try anna.send("/hangup")
                let message = try await eventually("the message kept", timeout: .seconds(20)) {
                    try await pbx.cli.json(VoicemailMailboxInfo.self, ["vm", "list", Fixture.callee]).messages.first
                }
                let exported = pbx.scratch.file("message.wav")
                try await pbx.cli.succeed(["vm", "export", message.id, exported.path])
                let audio = try WAVReader.read(Array(try Data(contentsOf: exported)), name: "message.wav")
                    .telephoneAudio()
                let messageTones = SoftphoneTests.frameTones(audio)
                let spoken = messageTones.filter { SoftphoneTests.isTone($0, Self.annaTone) }.count
                #expect(
                    spoken >= 20,
                    "her tone in \(spoken) of \(messageTones.count) frames of the message: \(messageTones)")
                #expect(spoken >= messageTones.compactMap { $0 }.count * 9 / 10, "\(messageTones)")
            }
        }

        @Test(
            "a plain softphone calls one set to mandatory SRTP: with --srtp mandatory the engine offers it its own key, both tones cross"
        )
        func plainCallerReachesAnSRTPPhone() async throws {
            try await withTLSEngine { pbx in
                let (anna, bela, _) = try await annaCallsSRTPBela(pbx)
                let shown = try await pbx.cli.run(["ext", "show", Fixture.callee], json: false)
                #expect(shown.stdout.contains("mandatory (RTP/SAVP"), "\(shown.stdout)")
                try await Task.sleep(for: .seconds(3))
                try anna.send("/hangup")
                try await waitForCallEnd([anna, bela])
                // Bela got RTP/SAVP and a key (Anna sent none); Anna plain RTP.
                #expect(bela.sdpLines(received: true, prefix: "m=audio").allSatisfy { $0.contains(" RTP/SAVP ") })
                #expect(bela.sdpLines(received: true, prefix: "a=crypto:").count == 1)
                #expect(anna.sdpLines(received: false, prefix: "a=crypto:").isEmpty)
                #expect(anna.sdpLines(received: true, prefix: "a=crypto:").isEmpty)
                #expect(anna.sdpLines(received: true, prefix: "m=audio").allSatisfy { $0.contains(" RTP/AVP ") })
                try expectEachHeardTheOther(anna, bela)
                let calls = try await pbx.cdrs()
                #expect(calls.count == 1 && calls.first?.disposition == .answered)
            }
        }

        @Test(
            "the plain phone holds: the SRTP phone hears the engine's music, encrypted by the relay, then the plain phone's tone again"
        )
        func musicReachesAnSRTPPhone() async throws {
            try await withTLSEngine { pbx in
                let (anna, bela, call) = try await annaCallsSRTPBela(pbx)
                try await Task.sleep(for: .seconds(2))
                try await anna.holdThenResume(holding: .seconds(3))
                try await Task.sleep(for: .seconds(2))
                try await pbx.cli.succeed(["call", "hangup", call.id])
                try await waitForCallEnd([anna, bela])
                // Bela's one SRTP stream carried Anna's tone, the music (its own SSRC), Anna's tone.
                #expect(bela.directions(received: true) == ["sendrecv"])
                let tones = SoftphoneTests.frameTones(try bela.heardAudio())
                let isMusic = { (tone: Double?) in tone != nil && !SoftphoneTests.isTone(tone, Self.annaTone) }
                let firstMusic = tones.firstIndex(where: isMusic)
                let lastMusic = tones.lastIndex(where: isMusic)
                #expect(firstMusic != nil, "Bela heard no music: \(tones.compactMap { $0 })")
                if let firstMusic, let lastMusic {
                    #expect(tones[..<firstMusic].filter { SoftphoneTests.isTone($0, Self.annaTone) }.count >= 15)
                    #expect(tones[(lastMusic + 1)...].filter { SoftphoneTests.isTone($0, Self.annaTone) }.count >= 10)
                    #expect(tones.filter(isMusic).count >= 15, "music frames: \(tones.filter(isMusic).count)")
                }
            }
        }

        @Test(
            "an SRTP-only softphone calls a plain one (its extension without --srtp): the engine terminates the caller's SRTP, both tones cross"
        )
        func srtpCallerReachesAPlainPhone() async throws {
            try await withTLSEngine { pbx in
                for number in [Fixture.caller, Fixture.callee] {
                    try await pbx.addExtension(number, password: Fixture.password(number))
                }
                let anna = try pbx.softphone(
                    Fixture.caller, transport: "tls", tone: Self.annaTone, mediaEncryption: "srtp-mand")
                let bela = try pbx.softphone(Fixture.callee, tone: Self.belaTone)
                try await eventually("both registered") {
                    let registered = try await pbx.registrations().map(\.extension)
                    return Set(registered) == [Fixture.caller, Fixture.callee] ? true : nil
                }
                try anna.send("/dial sip:\(Fixture.callee)@\(anna.registrar);transport=tls")
                _ = try await eventually("the call answered") {
                    try await pbx.liveCalls().first { $0.state == "answered" }
                }
                try await Task.sleep(for: .seconds(3))
                try anna.send("/hangup")
                try await waitForCallEnd([anna, bela])
                #expect(bela.sdpLines(received: true, prefix: "a=crypto:").isEmpty)
                #expect(bela.sdpLines(received: true, prefix: "m=audio").allSatisfy { $0.contains(" RTP/AVP ") })
                let keys = anna.sdpLines(received: true, prefix: "a=crypto:")
                let sent = anna.sdpLines(received: false, prefix: "a=crypto:")
                #expect(keys.count == 1 && Set(keys).isDisjoint(with: Set(sent)), "got \(keys), sent \(sent)")
                try expectEachHeardTheOther(anna, bela)
            }
        }
        @Test(
            "a supervisor's SRTP-only softphone, rung from the console, listens in on a call whose SRTP the engine terminates: it hears both parties' tones"
        )
        func srtpSupervisorListensToATerminatedCall() async throws {
            try await withTLSEngine { pbx in
                let supervisor = "1005"
                try await pbx.addExtension(supervisor, password: Fixture.password(supervisor))
                try await pbx.cli.succeed(["ext", "set", supervisor, "--monitor", "allow", "--srtp", "mandatory"])
                let (anna, bela, call) = try await annaCallsSRTPBela(pbx)
                let cili = try pbx.softphone(
                    supervisor, transport: "tls", tone: Self.supervisorTone, mediaEncryption: "srtp-mand")
                try await eventually("the supervisor registered") {
                    try await pbx.registrations().contains { $0.extension == supervisor } ? true : nil
                }
                try await pbx.cli.succeed(["monitor", "start", Fixture.callee, "--from", supervisor])
                _ = try await eventually("the supervisor's phone answered") {
                    try await pbx.cli.json([MonitorInfo].self, ["monitor", "list"]).first { $0.state == "active" }
                }
                try await Task.sleep(for: .seconds(3))
                try await pbx.cli.succeed(["call", "hangup", call.id])
                try await waitForCallEnd([anna, bela, cili])
                #expect(cili.sdpLines(received: true, prefix: "m=audio").allSatisfy { $0.contains(" RTP/SAVP ") })
                #expect(cili.sdpLines(received: true, prefix: "a=crypto:").count == 1)
                // Past the first second (the phone answering, the mix filling): both parties'
                // tones, well above the supervisor's own (listening: nobody mixes it back).
                let heard = Array(try cili.heardAudio().dropFirst(8000))
                let levels = [Self.annaTone, Self.belaTone, Self.supervisorTone].map {
                    Goertzel.amplitude(of: Double($0), in: heard)
                }
                #expect(heard.count >= 8000, "\(heard.count) samples")
                #expect(
                    levels[0] > 4 * levels[2] && levels[1] > 4 * levels[2] && levels[0] > 300 && levels[1] > 300,
                    "1000 Hz: \(levels[0]), 600 Hz: \(levels[1]), 1500 Hz: \(levels[2])")
            }
        }
    }
}
