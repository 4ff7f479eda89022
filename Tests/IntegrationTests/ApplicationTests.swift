import Foundation
import Testing
import VPBXControl
import VPBXMedia
import VPBXRTP

#if canImport(Glibc)
    import Glibc
#endif

extension Integration {
    /// The engine answering calls itself: announcements and IVR menus, heard and pressed by sipp.
    @Suite("Applications")
    struct ApplicationTests {
        @Test("a closed line: the engine answers, plays the announcement (a 2 s 1 kHz prompt) and hangs up")
        func announcement() async throws {
            try await TestPBX.run { pbx in
                try await Sox.sine(
                    URL(fileURLWithPath: pbx.options.promptsDirectory).appendingPathComponent("hu/closed.wav"),
                    rate: 8000,
                    channels: 1, seconds: 2, frequency: 1000, scratch: pbx.scratch)
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.cli.succeed(["route", "add", "100", "--to", "play:closed"])

                let ear = try RTPCapture()
                let caller = try pbx.phone(.callListen).service("100").caller(Fixture.caller)
                    .key("rtp_listen", String(ear.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let result = try await pbx.run(caller, name: "caller")
                ear.stop()
                try result.requireSuccess()  // answered, then the engine's BYE arrived

                let samples = ear.receivedAudio
                // 20 ms frames louder than silence: the prompt, not the idle silence around it.
                let frames = stride(from: 0, to: samples.count - 159, by: 160).map { samples[$0..<($0 + 160)] }
                let loud = frames.filter { SignalLevel.rms($0) > 1000 }
                #expect((90...110).contains(loud.count), "prompt frames heard: \(loud.count) of \(frames.count)")
                let tone = Array(loud.joined())
                let frequency = FrequencyEstimator.dominantFrequency(in: tone)
                #expect(abs(frequency - 1000) < 10, "dominant frequency \(frequency) Hz")

                let cdr = try await pbx.cdr(from: Fixture.caller, to: "100")
                #expect(cdr.disposition == .answered)
                #expect(cdr.hangupSide == .callee)
                #expect(cdr.path == ["route:100", "play:closed"])
            }
        }

        /// A menu `main` on 200 whose key 1 leads to 1002 (a sipp phone that answers and hangs
        /// up); a caller running `scenario` presses 1. Both sipps must complete.
        private func pressOneInMenu(_ pbx: TestPBX, caller scenario: Scenario) async throws {
            try await Sox.sine(
                URL(fileURLWithPath: pbx.options.promptsDirectory).appendingPathComponent("hu/welcome.wav"), rate: 8000,
                channels: 1, seconds: 4, frequency: 440, scratch: pbx.scratch)
            let callee = try SippPeer(.answerHangup).echoingRTP()
            try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
            try await pbx.addExtension(
                Fixture.callee, password: Fixture.password(Fixture.callee),
                staticContact: pbx.contact(of: callee, number: Fixture.callee))
            try await pbx.cli.succeed(["ivr", "add", "main", "--greeting", "welcome", "--option", "1=ext:1002"])
            try await pbx.cli.succeed(["route", "add", "200", "--to", "ivr:main"])
            let caller = try pbx.phone(scenario).service("200").caller(Fixture.caller)
                .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
            let (callerResult, calleeResult) = try await pbx.call(caller: caller, callee: callee)
            try callerResult.requireSuccess()  // answered by the menu, then 1002's hang-up reached it
            try calleeResult.requireSuccess()  // 1002 was rung after the key, answered and hung up
        }

        @Test("a menu: a phone that sends keys by SIP INFO (dtmf-relay) presses 1 and is put through to 1002")
        func menuKeyByInfo() async throws {
            try await TestPBX.run { pbx in try await pressOneInMenu(pbx, caller: .callInfo1) }
        }

        /// The core answers a re-INVITE to one of its applications itself, and the
        /// application answers an UPDATE without an offer: before, both got 488.
        @Test(
            "a menu: the caller's session refreshes (a re-INVITE with its offer, an UPDATE without) get 200; then it presses 1 by INFO"
        )
        func menuAfterSessionRefreshes() async throws {
            try await TestPBX.run { pbx in try await pressOneInMenu(pbx, caller: .callRefreshInfo1) }
        }

        @Test("a menu: the caller presses 1 during the greeting and is put through to 1002")
        func menuToExtension() async throws {
            try await TestPBX.run { pbx in
                try await pressOneInMenu(pbx, caller: .callPress1)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "200")
                #expect(cdr.disposition == .answered)
                #expect(cdr.hangupSide == .callee)
                // The whole way: the route, the menu, the key pressed, the extension it led to.
                #expect(cdr.path == ["route:200", "ivr:main", "ivr:main=1", "ext:1002"])
            }
        }

        @Test("a menu: while the chosen extension rings, the caller hears ringback (425 Hz) from the engine")
        func ringbackWhileHandingOn() async throws {
            try await TestPBX.run { pbx in
                try await Sox.sine(
                    URL(fileURLWithPath: pbx.options.promptsDirectory).appendingPathComponent("hu/welcome.wav"),
                    rate: 8000, channels: 1, seconds: 4, frequency: 1000, scratch: pbx.scratch)
                let callee = try SippPeer(.answerHangup).echoingRTP()  // rings 0.5 s, answers, hangs up after 5 s
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: callee, number: Fixture.callee))
                try await pbx.cli.succeed(["ivr", "add", "main", "--greeting", "welcome", "--option", "1=ext:1002"])
                try await pbx.cli.succeed(["route", "add", "200", "--to", "ivr:main"])
                let ear = try RTPCapture()
                let caller = try pbx.phone(.callListenInfo1).service("200").caller(Fixture.caller)
                    .key("rtp_listen", String(ear.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let (callerResult, calleeResult) = try await pbx.call(caller: caller, callee: callee)
                ear.stop()
                try callerResult.requireSuccess()
                try calleeResult.requireSuccess()

                // 20 ms frames in arrival order, each with its strongest tone: the 1 kHz
                // greeting until the key, then ringback while 1002 rings.
                let samples = ear.receivedAudio
                let frames = stride(from: 0, to: samples.count - 159, by: 160).map { Array(samples[$0..<($0 + 160)]) }
                let tones = frames.map { frame -> Double? in
                    SignalLevel.rms(frame) > 300
                        ? FrequencyEstimator.dominantFrequency(in: frame, range: 200...1500) : nil
                }
                let greeting = tones.firstIndex { $0.map { abs($0 - 1000) < 30 } ?? false }
                let ringback = tones.lastIndex { $0.map { abs($0 - 425) < 30 } ?? false }
                #expect(greeting != nil, "the greeting was heard")
                #expect(ringback != nil && greeting.map { $0 < ringback! } == true, "ringback after the greeting")
                let ringbackFrames = tones.filter { $0.map { abs($0 - 425) < 30 } ?? false }.count
                // 0.5 s of ringing is 25 frames; allow for the answer arriving a little early or late.
                #expect((10...60).contains(ringbackFrames), "ringback frames: \(ringbackFrames)")
            }
        }

        @Test("a menu: a busy choice brings the caller back to the menu, where the next choice is put through")
        func busyChoiceReturnsToMenu() async throws {
            try await TestPBX.run { pbx in
                try await Sox.sine(
                    URL(fileURLWithPath: pbx.options.promptsDirectory).appendingPathComponent("hu/welcome.wav"),
                    rate: 8000, channels: 1, seconds: 1, frequency: 440, scratch: pbx.scratch)
                let busy = try SippPeer(.busy)
                let sales = try SippPeer(.answerHangup).echoingRTP()
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: busy, number: Fixture.callee))
                try await pbx.addExtension(
                    "1003", password: Fixture.password("1003"), staticContact: pbx.contact(of: sales, number: "1003"))
                try await pbx.cli.succeed([
                    "ivr", "add", "main", "--greeting", "welcome", "--option", "1=ext:1002", "--option", "2=ext:1003",
                    "--key-timeout", "5",
                ])
                try await pbx.cli.succeed(["route", "add", "200", "--to", "ivr:main"])
                let busyProcess = try pbx.start(busy, name: "busy")
                let salesProcess = try pbx.start(sales, name: "sales")
                try await Task.sleep(for: .milliseconds(300))
                try await busyProcess.requireListening()
                try await salesProcess.requireListening()

                let caller = try pbx.phone(.callPress1Then2).service("200").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let callerResult = try await pbx.run(caller, name: "caller")
                // Key 1 rang the busy 1002; the menu took the caller back, key 2 reached 1003,
                // which answered and hung up; the caller got that BYE.
                try callerResult.requireSuccess()
                try await salesProcess.finish().requireSuccess()
                let busyResult = await busyProcess.finish()
                #expect(busyResult.receivedMessages().contains { $0.hasPrefix("INVITE ") })

                let cdr = try await pbx.cdr(from: Fixture.caller, to: "200")
                #expect(cdr.disposition == .answered)
                #expect(cdr.hangupSide == .callee)
                #expect(
                    cdr.path == [
                        "route:200", "ivr:main", "ivr:main=1", "ext:1002", "ext:1002=busy", "ivr:main=2", "ext:1003",
                    ])
            }
        }
    }
}

extension Integration {
    /// Leaving a voicemail for real: sipp calls a busy extension, talks (a 1 kHz tone from a
    /// pcap) and hangs up; the message is kept and contains that tone.
    @Suite("Voicemail calls")
    struct VoicemailCallTests {
        /// 1002 (a mailbox, a sipp phone that says busy) is called by 1001, which talks a 1 kHz
        /// tone for `seconds` and hangs up; returns the box once the message is in it.
        private func leaveMessage(_ pbx: TestPBX, seconds: Double = 2, email: String? = nil) async throws
            -> VoicemailMailboxInfo
        {
            let tone = pbx.scratch.file("tone-1khz.pcap")
            try TonePCAP.write(to: tone, frequency: 1000, seconds: seconds)
            let callee = try SippPeer(.busy)
            try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
            try await pbx.addExtension(
                Fixture.callee, password: Fixture.password(Fixture.callee),
                staticContact: pbx.contact(of: callee, number: Fixture.callee))
            try await pbx.cli.succeed(["ext", "set", Fixture.callee, "--voicemail", "on", "--vm-pin", "4711"])
            if let email { try await pbx.cli.succeed(["ext", "set", Fixture.callee, "--vm-email", email]) }

            let caller = try pbx.phone(.callSayHangUp).service(Fixture.callee).caller(Fixture.caller)
                .key("pcap", tone.path)
                .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
            let (callerResult, calleeResult) = try await pbx.call(caller: caller, callee: callee)
            try callerResult.requireSuccess()  // answered by the mailbox, talked, hung up
            try calleeResult.requireSuccess()  // 1002 was rung and said busy

            return try await eventually("a message in mailbox 1002") {
                let box = try await pbx.cli.json(VoicemailMailboxInfo.self, ["vm", "list", Fixture.callee])
                return box.messages.isEmpty ? nil : box
            }
        }

        @Test("busy callee with a mailbox: the caller is diverted, leaves the tone it sent, the box counts it")
        func leaveMessageWhenBusy() async throws {
            try await TestPBX.run { pbx in
                let box = try await leaveMessage(pbx)
                #expect(box.newCount == 1 && box.messages.count == 1)
                let message = try #require(box.messages.first)
                #expect(message.caller == Fixture.caller)
                // Recording starts after the beep and the caller starts talking 1.5 s after the
                // answer; the trailing silence before its BYE is trimmed.
                #expect((2000...4000).contains(message.durationMilliseconds), "\(message.durationMilliseconds) ms")

                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
                #expect(cdr.path == ["vm:1002=busy"])

                let exported = pbx.scratch.file("message.wav")
                try await pbx.cli.succeed(["vm", "export", message.id, exported.path])
                let wav = try WAVReader.read(Array(try Data(contentsOf: exported)), name: "message.wav")
                let samples = wav.telephoneAudio()
                let frames = stride(from: 0, to: samples.count - 159, by: 160).map { samples[$0..<($0 + 160)] }
                let loud = frames.filter { SignalLevel.rms($0) > 1000 }
                #expect((90...105).contains(loud.count), "frames of the tone kept: \(loud.count) (2 s is 100)")
                let frequency = FrequencyEstimator.dominantFrequency(in: Array(loud.joined()))
                #expect(abs(frequency - 1000) < 10, "dominant frequency \(frequency) Hz")
            }
        }

        @Test(
            "a box with an email address: the new message is mailed through the mail command, its WAV attached (the tone); it stays in the box"
        )
        func messageIsEmailed() async throws {
            let outbox = FileManager.default.temporaryDirectory.appendingPathComponent(
                "vpbx-outbox-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: outbox) }
            let script = outbox.appendingPathComponent("sendmail.sh")
            try
                "#!/bin/sh\n[ \"$1\" = -t ] || exit 64\ncat > \"$2/mail.eml.part\" && mv \"$2/mail.eml.part\" \"$2/mail.eml\"\n"
                .write(to: script, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
            try await TestPBX.run(configure: { $0.mailCommand = "\(script.path) -t \(outbox.path)" }) { pbx in
                let added = try await pbx.cli.run(["ext", "add", "1003", "--name", "X", "--password", "pw-1003-x"])
                #expect(added.exitCode == 0, "\(added.summary)")
                let refused = try await pbx.cli.run(
                    ["ext", "set", "1003", "--voicemail", "on", "--vm-pin", "4711", "--vm-email", "not an address"])
                #expect(refused.exitCode == 1 && refused.stderr.contains("not an email address"), "\(refused.summary)")

                let box = try await leaveMessage(pbx, email: "bela@example.hu")
                let message = try #require(box.messages.first)
                let shown = try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.callee])
                #expect(shown.voicemailEmail == "bela@example.hu", "\(shown)")
                let mail = outbox.appendingPathComponent("mail.eml")
                let text = try await eventually("the email handed to the mail command") {
                    try? String(contentsOf: mail, encoding: .utf8)
                }
                #expect(text.contains("To: <bela@example.hu>\r\n") && text.contains("From: vpbx <pbx@vpbx.test>\r\n"))
                #expect(text.contains("X-VPBX-Mailbox: \(Fixture.callee)\r\n"), "\(text.prefix(600))")
                // The attachment: the base64 lines after the audio part's headers, up to the end.
                let audioPart = try #require(text.components(separatedBy: "Content-Type: audio/wav").last)
                let encoded = audioPart.components(separatedBy: "\r\n\r\n")[1].components(separatedBy: "\r\n--")[0]
                let wavBytes = try #require(Data(base64Encoded: encoded.replacingOccurrences(of: "\r\n", with: "")))
                let wav = try WAVReader.read([UInt8](wavBytes), name: "attached.wav")
                let samples = wav.telephoneAudio()
                let frames = stride(from: 0, to: samples.count - 159, by: 160).map { samples[$0..<($0 + 160)] }
                let loud = frames.filter { SignalLevel.rms($0) > 1000 }
                let frequency = FrequencyEstimator.dominantFrequency(in: Array(loud.joined()))
                #expect(loud.count > 80 && abs(frequency - 1000) < 10, "\(loud.count) loud frames at \(frequency) Hz")
                let exported = pbx.scratch.file("kept.wav")
                try await pbx.cli.succeed(["vm", "export", message.id, exported.path])
                #expect(try Data(contentsOf: exported) == wavBytes, "the same audio stays in the box")
                let listed = try await eventually("the email recorded as sent") {
                    try await pbx.cli.json(VoicemailMailboxInfo.self, ["vm", "list", Fixture.callee]).messages.first {
                        $0.id == message.id && $0.emailedAt != nil
                    }
                }
                #expect(listed.emailTo == "bela@example.hu")
            }
        }

        @Test(
            "the owner's phone watches its mailbox: NOTIFY 1/0 when a message is left, *97 plays it, NOTIFY 0/1 once heard"
        )
        func messageWaitingFollowsDepositAndListening() async throws {
            try await TestPBX.run { pbx in
                let tone = pbx.scratch.file("tone-1khz.pcap")
                try TonePCAP.write(to: tone, frequency: 1000, seconds: 2)
                let callee = try SippPeer(.busy)
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: callee, number: Fixture.callee))
                try await pbx.cli.succeed(["ext", "set", Fixture.callee, "--voicemail", "on", "--vm-pin", "4711"])

                // 1002's phone subscribes to its mailbox and waits for the two changes.
                let watcher = try pbx.start(
                    try pbx.phone(.subscribeMWICounts).service(Fixture.callee).credentials(
                        user: Fixture.callee, password: Fixture.password(Fixture.callee)),
                    name: "mwi")
                try await Task.sleep(for: .seconds(1))

                let caller = try pbx.phone(.callSayHangUp).service(Fixture.callee).caller(Fixture.caller)
                    .key("pcap", tone.path)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let (callerResult, calleeResult) = try await pbx.call(caller: caller, callee: callee)
                try callerResult.requireSuccess()
                try calleeResult.requireSuccess()
                let left = try await eventually("a message in mailbox 1002") {
                    let box = try await pbx.cli.json(VoicemailMailboxInfo.self, ["vm", "list", Fixture.callee])
                    return box.messages.first
                }

                // The owner dials *97 from its own phone (no PIN asked), presses 1, listens.
                let ear = try RTPCapture()
                let owner = try pbx.phone(.callListenInfo1HangUp).service("*97").caller(Fixture.callee)
                    .key("rtp_listen", String(ear.port))
                    .credentials(user: Fixture.callee, password: Fixture.password(Fixture.callee))
                try await pbx.run(owner, name: "owner").requireSuccess()
                ear.stop()
                let samples = ear.receivedAudio
                let frames = stride(from: 0, to: samples.count - 159, by: 160).map { samples[$0..<($0 + 160)] }
                let loud = frames.filter { SignalLevel.rms($0) > 1000 }
                #expect((80...105).contains(loud.count), "frames of the message heard: \(loud.count) (2 s is 100)")
                let frequency = FrequencyEstimator.dominantFrequency(in: Array(loud.joined()))
                #expect(abs(frequency - 1000) < 10, "the message's tone: \(frequency) Hz")

                let box = try await pbx.cli.json(VoicemailMailboxInfo.self, ["vm", "list", Fixture.callee])
                #expect(box.newCount == 0 && box.messages.map(\.id) == [left.id])
                let cdr = try await pbx.cdr(from: Fixture.callee, to: "*97")
                #expect(cdr.disposition == .answered)
                // The watcher saw 1/0 after the deposit and 0/1 after the listening.
                try await watcher.finish().requireSuccess()
            }
        }

        @Test("vm play: the WAV on standard output equals the export, and the message is old afterwards")
        func playMessage() async throws {
            try await TestPBX.run { pbx in
                let box = try await leaveMessage(pbx, seconds: 1)
                let message = try #require(box.messages.first)
                #expect(message.folder == .new)

                // Exporting is not listening: the message stays new.
                let exported = pbx.scratch.file("exported.wav")
                try await pbx.cli.succeed(["vm", "export", message.id, exported.path])
                let stillNew = try await pbx.cli.json(VoicemailMailboxInfo.self, ["vm", "list", Fixture.callee])
                #expect(stillNew.newCount == 1 && stillNew.oldCount == 0)

                // Refused before anything is fetched or marked: a terminal, --json mixed with audio.
                let onTerminal = try await Self.runOnTerminal(pbx, ["vm", "play", message.id])
                #expect(onTerminal.status == 2 && onTerminal.stderr.contains("terminal"), "\(onTerminal)")
                let jsonToPipe = try await pbx.cli.run(["vm", "play", message.id])
                #expect(jsonToPipe.exitCode == 2 && jsonToPipe.stderr.contains("--json"), "\(jsonToPipe.summary)")
                let unknown = try await pbx.cli.run(["vm", "play", UUID().uuidString.lowercased(), "-"], json: false)
                #expect(unknown.exitCode == 1 && unknown.stderr.contains("not_found") && unknown.stdoutData.isEmpty)
                let unchanged = try await pbx.cli.json(VoicemailMailboxInfo.self, ["vm", "list", Fixture.callee])
                #expect(unchanged.newCount == 1)

                let played = try await pbx.cli.run(["vm", "play", message.id], json: false)
                #expect(played.succeeded, "\(played.summary)")
                let expected = try Data(contentsOf: exported)
                #expect(played.stdoutData == expected, "\(played.stdoutData.count) bytes, export has \(expected.count)")
                let wav = try WAVReader.read(Array(played.stdoutData), name: "stdout")
                #expect(!wav.telephoneAudio().isEmpty)
                #expect(played.stdoutData.prefix(4) == Data("RIFF".utf8))

                let heard = try await pbx.cli.json(VoicemailMailboxInfo.self, ["vm", "list", Fixture.callee])
                #expect(heard.newCount == 0 && heard.oldCount == 1)
                #expect(heard.messages.first?.folder == .old)

                // To a file, with --json: where it went, and the message as it is now.
                let file = pbx.scratch.file("played.wav")
                let toFile = try await pbx.cli.run(["vm", "play", message.id, file.path])
                #expect(toFile.succeeded && toFile.stdout.contains("\"folder\" : \"old\""), "\(toFile.summary)")
                #expect(try Data(contentsOf: file) == expected)
                let again = try await pbx.cli.run(["vm", "play", message.id, file.path])
                #expect(again.exitCode == 2 && again.stderr.contains("--force"))
            }
        }

        /// Runs `vpbx ARGS` with standard output on a pseudo-terminal (as in an interactive shell).
        private static func runOnTerminal(
            _ pbx: TestPBX, _ arguments: [String]
        ) async throws -> (status: Int32?, stderr: String) {
            // posix_openpt and friends need _XOPEN_SOURCE, which the Glibc module is not built
            // with: look them up at run time.
            typealias OpenPT = @convention(c) (Int32) -> Int32
            typealias OnPT = @convention(c) (Int32) -> Int32
            typealias NamePT = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
            guard let openSymbol = dlsym(nil, "posix_openpt"), let grantSymbol = dlsym(nil, "grantpt"),
                let unlockSymbol = dlsym(nil, "unlockpt"), let nameSymbol = dlsym(nil, "ptsname")
            else { throw HarnessError("the C library has no posix_openpt") }
            let master = unsafeBitCast(openSymbol, to: OpenPT.self)(O_RDWR | O_NOCTTY)
            guard master >= 0, unsafeBitCast(grantSymbol, to: OnPT.self)(master) == 0,
                unsafeBitCast(unlockSymbol, to: OnPT.self)(master) == 0,
                let name = unsafeBitCast(nameSymbol, to: NamePT.self)(master)
            else {
                throw HarnessError("cannot open a pseudo-terminal: \(String(cString: strerror(errno)))")
            }
            defer { close(master) }
            let err = pbx.scratch.file("tty.err")
            let status = try await ChildProcess.run(
                try PackageLayout.executable("vpbx"), arguments + ["--socket", pbx.options.socket],
                stdout: URL(fileURLWithPath: String(cString: name)), stderr: err, timeout: .seconds(10))
            let stderr = FileManager.default.contents(atPath: err.path).map { String(decoding: $0, as: UTF8.self) }
            return (status, stderr ?? "")
        }
    }
}
