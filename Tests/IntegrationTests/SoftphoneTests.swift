import Foundation
import Testing
import VPBXControl
import VPBXMedia

extension Integration {
    /// The engine against a real softphone's SIP stack (baresip), not only against sipp's
    /// scripted messages: its own REGISTER refreshes and digest client, its SDP offer with its
    /// own codecs, its RTP and RTCP, its hold re-INVITEs. Each phone talks a steady tone, so
    /// what the other one recorded says whose audio crossed the engine, and when.
    @Suite("Softphones (baresip)")
    struct SoftphoneTests {
        static let annaTone = 1000
        static let belaTone = 600

        /// Extensions 1001 (Anna, 1 kHz, on `annaTransport`) and 1002 (Bela, 600 Hz, UDP, answering
        /// by herself when `belaAnswers`) with a baresip each, registered.
        private func twoRegisteredPhones(
            _ pbx: TestPBX, annaTransport: String = "udp", belaAnswers: Bool = true, annaCodecs: String = "PCMA,PCMU",
            belaCodecs: String = "PCMA,PCMU", belaTransport: String = "udp", mediaEncryption: String? = nil
        ) async throws -> (anna: BaresipPhone, bela: BaresipPhone) {
            for number in [Fixture.caller, Fixture.callee] {
                try await pbx.addExtension(number, password: Fixture.password(number))
            }
            let anna = try pbx.softphone(
                Fixture.caller, transport: annaTransport, tone: Self.annaTone, codecs: annaCodecs,
                mediaEncryption: mediaEncryption)
            let bela = try pbx.softphone(
                Fixture.callee, transport: belaTransport, tone: Self.belaTone, codecs: belaCodecs,
                answersAutomatically: belaAnswers, mediaEncryption: mediaEncryption)
            try await eventually("both softphones registered") {
                let registered = try await pbx.registrations().filter { $0.userAgent?.hasPrefix("baresip") == true }
                return Set(registered.map(\.extension)) == [Fixture.caller, Fixture.callee] ? registered : nil
            }
            return (anna, bela)
        }

        /// Anna dials Bela, who answers by herself; returns once the engine has the call answered.
        private func annaCallsBela(_ pbx: TestPBX, _ anna: BaresipPhone, transport: String = "udp") async throws
            -> LiveCall
        {
            try anna.send("/dial sip:\(Fixture.callee)@\(anna.registrar);transport=\(transport)")
            return try await eventually("the call answered") {
                try await pbx.liveCalls().first { $0.state == "answered" }
            }
        }

        /// Waits until `phone` logged the end of its call (its recording is then complete).
        private func waitForCallEnd(_ phone: BaresipPhone) async throws {
            try await eventually("baresip \(phone.number) saw its call end") {
                phone.log.contains("terminated (duration:") ? true : nil
            }
        }

        /// Requires that `listener` heard `tone` for nearly all of what it recorded, and at
        /// least `seconds` of it.
        private func expectHeard(_ tone: Int, by listener: BaresipPhone, seconds: Int) throws {
            let tones = Self.frameTones(try listener.heardAudio())
            let heard = tones.filter { Self.isTone($0, tone) }.count
            #expect(heard >= seconds * 10, "\(listener.number) heard \(tone) Hz in \(heard) of \(tones.count) frames")
            #expect(heard >= tones.count * 9 / 10, "\(listener.number): \(tones.compactMap { $0 })")
        }

        /// The dominant frequency of each loud 100 ms frame of `samples` (nil for a quiet one).
        static func frameTones(_ samples: [Int16]) -> [Double?] {
            stride(from: 0, to: samples.count - 799, by: 800).map { start in
                let frame = Array(samples[start..<(start + 800)])
                return SignalLevel.rms(frame) > 500
                    ? FrequencyEstimator.dominantFrequency(in: frame, range: 100...3000) : nil
            }
        }

        /// The key of an `a=crypto:` line (what follows `inline:`, up to `|` or the end): the
        /// tag and suite of the engine's line follow the phone's, the key never does.
        static func inlineKey(_ line: String) -> String {
            guard let range = line.range(of: "inline:") else { return line }
            return String(line[range.upperBound...].prefix { $0 != "|" && $0 != " " })
        }

        static func isTone(_ tone: Double?, _ frequency: Int) -> Bool {
            tone.map { abs($0 - Double(frequency)) < 15 } ?? false
        }

        @Test(
            "two baresip phones register with digest, call through the engine, hear each other's tone; the callee hangs up, then unregisters"
        )
        func twoSoftphonesTalk() async throws {
            try await TestPBX.run { pbx in
                let (anna, bela) = try await twoRegisteredPhones(pbx)
                _ = try await annaCallsBela(pbx, anna)
                try await Task.sleep(for: .seconds(3))
                try bela.send("/hangup")
                for phone in [anna, bela] { try await waitForCallEnd(phone) }

                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
                #expect(cdr.hangupSide == .callee)
                #expect(cdr.billableSeconds >= 2, "billable \(cdr.billableSeconds) s of a 3 s call")
                // Anna's INVITE was challenged (407) and sent again with credentials.
                #expect(anna.log.contains("SIP/2.0 407 Proxy Authentication Required"))
                #expect(anna.log.contains("Proxy-Authorization: Digest"))

                // Each heard the other's tone for about the 3 s of the call, and only that.
                try expectHeard(Self.belaTone, by: anna, seconds: 2)
                try expectHeard(Self.annaTone, by: bela, seconds: 2)
                // The media was anchored: each phone's RTP came from the engine's port range.
                for phone in [anna, bela] {
                    let source = phone.log.split(separator: "\n").first {
                        $0.contains("incoming rtp for 'audio' established")
                    }
                    let port = source.flatMap { $0.split(separator: ":").last }.flatMap {
                        UInt16($0.trimmingCharacters(in: .whitespaces))
                    }
                    #expect(
                        port.map { pbx.options.rtpPorts.contains($0) } == true, "\(phone.number): \(source ?? "no RTP")"
                    )
                }
                // A phone that quits unregisters (Expires: 0), and its binding goes at once.
                await bela.stop()
                try await eventually("Bela's binding removed") {
                    try await pbx.registrations().map(\.extension) == [Fixture.caller] ? true : nil
                }
            }
        }

        /// baresip's Contact carries a new random part each time it starts: a phone that died
        /// without unregistering (a crash, a power cut) and came back used to leave its old
        /// binding to be rung, unanswered, until it expired. Under its RFC 5626 instance the
        /// new Contact replaces it.
        @Test(
            "a softphone killed without unregistering comes back under its +sip.instance: one binding, the new one, and it is rung"
        )
        func restartedSoftphoneReplacesItsBinding() async throws {
            try await TestPBX.run { pbx in
                for number in [Fixture.caller, Fixture.callee] {
                    try await pbx.addExtension(number, password: Fixture.password(number))
                }
                let first = try pbx.softphone(Fixture.callee, tone: Self.belaTone, sendsInstance: true)
                let before = try await eventually("the phone registered") {
                    try await pbx.registrations().first { $0.extension == Fixture.callee }
                }
                await first.crash()
                let again = try pbx.softphone(Fixture.callee, tone: Self.belaTone, sendsInstance: true)
                let after = try await eventually("one binding, the restarted phone's") {
                    let bindings = try await pbx.registrations().filter { $0.extension == Fixture.callee }
                    return bindings.count == 1 && bindings[0].contact != before.contact ? bindings[0] : nil
                }
                #expect(again.log.contains("+sip.instance=\"<urn:uuid:"), "baresip sent no instance")
                #expect(after.contact.contains(":\(again.sipPort)"), "\(after.contact)")

                let anna = try pbx.softphone(Fixture.caller, tone: Self.annaTone)
                try await eventually("Anna registered") {
                    try await pbx.registrations().contains { $0.extension == Fixture.caller } ? true : nil
                }
                _ = try await annaCallsBela(pbx, anna)
                try await Task.sleep(for: .seconds(1))
                try anna.send("/hangup")
                try await waitForCallEnd(anna)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
            }
        }

        @Test("an A-law-only softphone calls a µ-law-only one: the engine converts, each hears the other's tone")
        func aLawCallsMuLaw() async throws {
            try await TestPBX.run { pbx in
                let (anna, bela) = try await twoRegisteredPhones(pbx, annaCodecs: "PCMA", belaCodecs: "PCMU")
                _ = try await annaCallsBela(pbx, anna)
                try await Task.sleep(for: .seconds(3))
                try anna.send("/hangup")
                for phone in [anna, bela] { try await waitForCallEnd(phone) }
                #expect(anna.log.contains("Set audio decoder: PCMA"), "Anna answered in A-law")
                #expect(bela.log.contains("Set audio decoder: PCMU"), "Bela offered µ-law")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
                try expectHeard(Self.belaTone, by: anna, seconds: 2)
                try expectHeard(Self.annaTone, by: bela, seconds: 2)
            }
        }

        @Test(
            "a softphone on TCP (or TLS) calls one on UDP and is called back on its connection: both registered on their transport, both tones heard",
            arguments: ["tcp", "tls"])
        func streamPhoneCallsUDP(transport: String) async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "vpbx-tls-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let certificate = transport == "tls" ? try await TLSCertificate.make(in: directory) : nil
            let name = transport.uppercased()
            try await TestPBX.run(configure: { if let certificate { try $0.enableTLS(certificate) } }) { pbx in
                let (anna, bela) = try await twoRegisteredPhones(pbx, annaTransport: transport)
                let transports = Dictionary(try await pbx.registrations().map { ($0.extension, $0.transport) }) { $1 }
                #expect(transports == [Fixture.caller: transport, Fixture.callee: "udp"])
                _ = try await annaCallsBela(pbx, anna, transport: transport)
                try await Task.sleep(for: .seconds(3))
                try anna.send("/hangup")
                for phone in [anna, bela] { try await waitForCallEnd(phone) }

                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
                #expect(cdr.hangupSide == .caller)
                #expect(anna.log.contains("\(name) \(anna.registrar) -> "), "Anna's SIP came over \(name)")
                #expect(!anna.log.contains("UDP \(pbx.options.sipAddress) -> "), "none of it over UDP")
                try expectHeard(Self.belaTone, by: anna, seconds: 2)
                try expectHeard(Self.annaTone, by: bela, seconds: 2)

                // The other way: the engine calls Anna on her connection.
                #expect(anna.transports(ofReceived: "INVITE ").isEmpty)
                try bela.send("/dial sip:\(Fixture.caller)@\(pbx.options.sipAddress)")
                try await eventually("the call to Anna answered") {
                    try await pbx.liveCalls().first { $0.state == "answered" }
                }
                try await Task.sleep(for: .seconds(2))
                try bela.send("/hangup")
                try await eventually("the call to Anna recorded") {
                    let records = try await pbx.cdrs()
                    return records.count == 2 ? records : nil
                }
                let back = try await pbx.cdr(from: Fixture.callee, to: Fixture.caller)
                #expect(back.disposition == .answered && back.hangupSide == .caller)
                #expect(anna.transports(ofReceived: "INVITE ") == [name])
                #expect(anna.transports(ofReceived: "SIP/2.0 200").allSatisfy { $0 == name })
                #expect(try await pbx.registrations().first { $0.extension == Fixture.caller }?.transport == transport)
            }
        }

        /// An engine with TLS, Anna and Bela registered over it with mandatory SRTP (SDES, and
        /// `--srtp mandatory` on both extensions), and Anna's answered call to Bela; `body`
        /// goes on from there.
        private func withSRTPCall(_ body: (TestPBX, BaresipPhone, BaresipPhone) async throws -> Void) async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "vpbx-srtp-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let certificate = try await TLSCertificate.make(in: directory)
            try await TestPBX.run(configure: { try $0.enableTLS(certificate) }) { pbx in
                let (anna, bela) = try await twoRegisteredPhones(
                    pbx, annaTransport: "tls", belaTransport: "tls", mediaEncryption: "srtp-mand")
                for number in [Fixture.caller, Fixture.callee] {
                    try await pbx.cli.succeed(["ext", "set", number, "--srtp", "mandatory"])
                }
                _ = try await annaCallsBela(pbx, anna, transport: "tls")
                try await body(pbx, anna, bela)
            }
        }

        @Test(
            "two softphones on TLS with mandatory SRTP (SDES): each gets RTP/SAVP with the engine's key, never the other's; the relay terminates both; both tones heard"
        )
        func srtpBetweenTwoSRTPPhones() async throws {
            try await withSRTPCall { pbx, anna, bela in
                try await Task.sleep(for: .seconds(3))
                // `vpbx call list` says the call's media is SRTP.
                let calls = try await pbx.cli.json([CallInfo].self, ["call", "list"])
                #expect(calls.count == 1 && calls.first?.encrypted == true, "\(calls)")
                let table = try await pbx.cli.run(["call", "list"], json: false)
                #expect(table.stdout.contains("SRTP"), "\(table.stdout)")
                try anna.send("/hangup")
                for phone in [anna, bela] { try await waitForCallEnd(phone) }
                // Each phone got RTP/SAVP and keys the other phone never sent: the engine's own,
                // as it terminates SRTP on both legs.
                for (phone, other) in [(anna, bela), (bela, anna)] {
                    let media = phone.sdpLines(received: true, prefix: "m=audio")
                    #expect(
                        !media.isEmpty && media.allSatisfy { $0.contains(" RTP/SAVP ") }, "\(phone.number): \(media)")
                    let keys = phone.sdpLines(received: true, prefix: "a=crypto:").map(Self.inlineKey)
                    let sent = other.sdpLines(received: false, prefix: "a=crypto:").map(Self.inlineKey)
                    #expect(
                        !keys.isEmpty && Set(keys).isDisjoint(with: Set(sent)),
                        "\(phone.number) got \(keys), \(other.number) sent \(sent)")
                }
                try expectHeard(Self.belaTone, by: anna, seconds: 2)
                try expectHeard(Self.annaTone, by: bela, seconds: 2)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
            }
        }

        @Test(
            "an SRTP call between two SRTP phones on hold: the held phone hears the engine's music, encrypted under its key, then the tone again"
        )
        func srtpHoldPlaysMusic() async throws {
            try await withSRTPCall { _, anna, bela in
                try await Task.sleep(for: .seconds(2))
                try await anna.holdThenResume(holding: .seconds(3))
                try await Task.sleep(for: .seconds(2))
                try anna.send("/hangup")
                for phone in [anna, bela] { try await waitForCallEnd(phone) }
                // Bela's phone is never asked to hold: the engine plays music into its stream.
                #expect(bela.directions(received: true) == ["sendrecv"], "\(bela.directions(received: true))")
                let tones = Self.frameTones(try bela.heardAudio())
                let isMusic = { (tone: Double?) in tone != nil && !Self.isTone(tone, Self.annaTone) }
                #expect(tones.filter(isMusic).count >= 15, "music frames: \(tones.compactMap { $0 })")
                if let lastMusic = tones.lastIndex(where: isMusic) {
                    #expect(tones[(lastMusic + 1)...].filter { Self.isTone($0, Self.annaTone) }.count >= 10)
                }
            }
        }

        @Test("a softphone registered over TCP is called through its connection after idling past the TCP idle timeout")
        func tcpPhoneCalledAfterIdling() async throws {
            // Behind NAT nothing can connect to a phone: calls reach it only through the
            // connection it registered on, which must outlive idleness while it is registered.
            try await TestPBX.run(configure: { $0.tcpIdleTimeout = 1 }) { pbx in
                let (anna, bela) = try await twoRegisteredPhones(pbx, annaTransport: "tcp")
                try await Task.sleep(for: .seconds(4))  // several idle periods with nothing sent
                try bela.send("/dial sip:\(Fixture.caller)@\(pbx.options.sipAddress)")
                try await eventually("the call to Anna answered") {
                    try await pbx.liveCalls().first { $0.state == "answered" }
                }
                try bela.send("/hangup")
                let cdr = try await eventually("the call to Anna recorded") {
                    try await pbx.cdrs().first(where: { $0.callee == Fixture.caller })
                }
                #expect(cdr.disposition == .answered)
                #expect(anna.transports(ofReceived: "INVITE ") == ["TCP"])
            }
        }

        @Test("a softphone rings: the caller gives up (CANCEL), then calls again and the callee rejects it (busy)")
        func cancelThenReject() async throws {
            try await TestPBX.run { pbx in
                let (anna, bela) = try await twoRegisteredPhones(pbx, belaAnswers: false)
                let target = "sip:\(Fixture.callee)@\(pbx.options.sipAddress)"
                try anna.send("/dial \(target)")
                try await eventually("Bela's phone ringing") { bela.log.contains("Incoming call from") ? true : nil }
                try anna.send("/hangup")
                let cancelled = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cancelled.disposition == .cancelled)
                try await eventually("Bela's phone told of the CANCEL") {
                    bela.log.contains("CANCEL sip:") && bela.log.contains("SIP/2.0 487 Request Terminated") ? true : nil
                }
                #expect(try await pbx.liveCalls().isEmpty)

                try anna.send("/dial \(target)")
                try await eventually("Bela's phone ringing again") {
                    bela.log.components(separatedBy: "Incoming call from").count == 3 ? true : nil
                }
                try bela.send("/hangup")
                try await eventually("both calls' records") {
                    let records = try await pbx.cdrs().filter { $0.caller == Fixture.caller }
                    return records.count == 2 ? records : nil
                }
                let busy = try await pbx.cdrs().first { $0.disposition != .cancelled }
                #expect(busy?.disposition == .busy, "\(String(describing: busy))")
                try await eventually("Anna told the callee is busy") {
                    anna.log.contains("SIP/2.0 486 Busy Here") ? true : nil
                }
            }
        }

        @Test("a softphone in an IVR menu hears the greeting, presses 2 (RFC 4733 from the phone) and is put through")
        func menuKeyFromAPhone() async throws {
            try await TestPBX.run { pbx in
                let greetingTone = 800
                try await Sox.sine(
                    URL(fileURLWithPath: pbx.options.promptsDirectory).appendingPathComponent("hu/welcome.wav"),
                    rate: 8000, channels: 1, seconds: 5, frequency: greetingTone, scratch: pbx.scratch)
                let (anna, bela) = try await twoRegisteredPhones(pbx)
                try await pbx.cli.succeed(["ivr", "add", "main", "--greeting", "welcome", "--option", "2=ext:1002"])
                try await pbx.cli.succeed(["route", "add", "200", "--to", "ivr:main"])
                try anna.send("/dial sip:200@\(pbx.options.sipAddress)")
                try await eventually("the menu answered") { anna.log.contains("Call established") ? true : nil }
                try await Task.sleep(for: .seconds(1))  // a second of the greeting
                try anna.press("2")
                try await eventually("Bela's phone answered") { bela.log.contains("Call established") ? true : nil }
                try await Task.sleep(for: .seconds(2))
                try anna.send("/hangup")
                for phone in [anna, bela] { try await waitForCallEnd(phone) }

                let cdr = try await pbx.cdr(from: Fixture.caller, to: "200")
                #expect(cdr.disposition == .answered)
                #expect(cdr.path == ["route:200", "ivr:main", "ivr:main=2", "ext:1002"])
                // Anna heard the greeting, then (after any ringback) Bela's tone, never the other way.
                let tones = Self.frameTones(try anna.heardAudio())
                let lastGreeting = tones.lastIndex { Self.isTone($0, greetingTone) }
                let firstBela = tones.firstIndex { Self.isTone($0, Self.belaTone) }
                #expect(tones.filter { Self.isTone($0, greetingTone) }.count >= 8, "\(tones.compactMap { $0 })")
                #expect(tones.filter { Self.isTone($0, Self.belaTone) }.count >= 15, "\(tones.compactMap { $0 })")
                if let lastGreeting, let firstBela { #expect(lastGreeting < firstBela) }
                try expectHeard(Self.annaTone, by: bela, seconds: 1)
            }
        }

        @Test(
            "the administrator removes an extension in a call: both phones get a BYE, its binding goes, the CDR stays")
        func removedMidCall() async throws {
            try await TestPBX.run { pbx in
                let (anna, bela) = try await twoRegisteredPhones(pbx)
                _ = try await annaCallsBela(pbx, anna)
                try await Task.sleep(for: .seconds(2))
                try await pbx.cli.succeed(["ext", "remove", Fixture.callee])
                for phone in [anna, bela] { try await waitForCallEnd(phone) }
                #expect(anna.log.contains("BYE sip:") && bela.log.contains("BYE sip:"))
                #expect(try await pbx.liveCalls().isEmpty)
                #expect(try await pbx.registrations().map(\.extension) == [Fixture.caller])
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
                try expectHeard(Self.belaTone, by: anna, seconds: 1)
            }
        }

        @Test(
            "a softphone's failed calls: an unknown number (404), no answer in time (the ringing phone cancelled), a phone that is gone (480)"
        )
        func failedCalls() async throws {
            try await TestPBX.run { pbx in
                let (anna, bela) = try await twoRegisteredPhones(pbx, belaAnswers: false)
                // The shortest no-answer timeout an extension may have.
                try await pbx.cli.succeed(["ext", "set", Fixture.callee, "--no-answer-timeout", "5"])

                try anna.send("/dial sip:1999@\(pbx.options.sipAddress)")
                try await eventually("404 for 1999") { anna.log.contains("SIP/2.0 404 ") ? true : nil }
                #expect(try await pbx.cdr(from: Fixture.caller, to: "1999").disposition == .failed)

                try anna.send("/dial sip:\(Fixture.callee)@\(pbx.options.sipAddress)")
                try await eventually("Bela's phone ringing") { bela.log.contains("Incoming call from") ? true : nil }
                let noAnswer = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(noAnswer.disposition == .noAnswer)
                try await eventually("Bela's phone cancelled") {
                    bela.log.contains("CANCEL sip:") && bela.log.contains("SIP/2.0 487 Request Terminated") ? true : nil
                }
                #expect(noAnswer.endedAt.timeIntervalSince(noAnswer.startedAt) >= 4.5, "rang for the 5 s timeout")

                await bela.stop()  // unregisters
                try await eventually("Bela's binding gone") {
                    try await pbx.registrations().map(\.extension) == [Fixture.caller] ? true : nil
                }
                // (The call that rang out was answered 480 too.)
                let unavailableBefore = anna.log.components(separatedBy: "SIP/2.0 480 ").count
                try anna.send("/dial sip:\(Fixture.callee)@\(pbx.options.sipAddress)")
                try await eventually("480 for the phone that is gone") {
                    anna.log.components(separatedBy: "SIP/2.0 480 ").count == unavailableBefore + 1 ? true : nil
                }
                #expect(bela.log.components(separatedBy: "Incoming call from").count == 2, "Bela's phone rang once")
                try await eventually("three records") {
                    try await pbx.cdrs().count == 3 ? true : nil
                }
            }
        }

        @Test("a softphone with a wrong password is challenged, then refused with 403, and not registered")
        func wrongPasswordIsRefused() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let phone = try pbx.softphone(Fixture.caller, password: "not-the-password", tone: Self.annaTone)
                try await eventually("the REGISTER refused") {
                    phone.log.contains("SIP/2.0 403 Forbidden") ? true : nil
                }
                // It answered the challenge (so the digest was checked and failed), and no
                // binding was made.
                #expect(phone.log.contains("SIP/2.0 401 Unauthorized"))
                #expect(phone.log.contains("Authorization: Digest"))
                #expect(try await pbx.registrations().isEmpty)
            }
        }

        @Test(
            "a softphone holds and resumes: the other one hears music instead of its tone meanwhile; the administrator hangs up"
        )
        func holdAndResume() async throws {
            try await TestPBX.run { pbx in
                let (anna, bela) = try await twoRegisteredPhones(pbx)
                let call = try await annaCallsBela(pbx, anna)
                try await Task.sleep(for: .seconds(2))
                try await anna.holdThenResume(holding: .seconds(3))
                try await Task.sleep(for: .seconds(2))
                try await pbx.cli.succeed(["call", "hangup", call.id])
                for phone in [anna, bela] { try await waitForCallEnd(phone) }

                // The engine answered the hold itself (a=recvonly) and the resume (a=sendrecv);
                // Bela's phone saw only the call's INVITE, and was sent music meanwhile.
                // (Anna's first offer twice: the INVITE, then again with credentials after the 407.)
                #expect(anna.directions(received: false) == ["sendrecv", "sendrecv", "sendonly", "sendrecv"])
                #expect(anna.directions(received: true) == ["sendrecv", "recvonly", "sendrecv"])
                #expect(bela.directions(received: true) == ["sendrecv"])
                let tones = Self.frameTones(try bela.heardAudio())
                let firstMusic = tones.firstIndex { $0 != nil && !Self.isTone($0, Self.annaTone) }
                let lastMusic = tones.lastIndex { $0 != nil && !Self.isTone($0, Self.annaTone) }
                let music = tones.filter { $0 != nil && !Self.isTone($0, Self.annaTone) }.count
                #expect(firstMusic != nil, "Bela heard no music: \(tones.compactMap { $0 })")
                if let firstMusic, let lastMusic {
                    // Anna's tone before and after the hold, music in between (about 3 s).
                    #expect(tones[..<firstMusic].filter { Self.isTone($0, Self.annaTone) }.count >= 15)
                    #expect(tones[(lastMusic + 1)...].filter { Self.isTone($0, Self.annaTone) }.count >= 10)
                    #expect(
                        (20...45).contains(lastMusic - firstMusic + 1), "music from frame \(firstMusic) to \(lastMusic)"
                    )
                    #expect(music >= 15, "loud music frames: \(music)")
                }
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
                #expect(cdr.billableSeconds >= 6)
            }
        }

        @Test(
            "a softphone transfers the other party (REFER), as the callee or as the caller: the party kept then hears the third softphone's tone, and it the kept party's",
            arguments: [false, true])
        func blindTransfer(byCaller: Bool) async throws {
            try await TestPBX.run { pbx in
                try await transfer(pbx, byCaller: byCaller, transport: "udp", mediaEncryption: nil)
            }
        }

        @Test(
            "three SRTP-only softphones over TLS: a blind transfer by the callee or the caller; the kept phone then hears the target (its keys follow each phone's side of the relay)",
            arguments: [false, true])
        func srtpBlindTransfer(byCaller: Bool) async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "vpbx-srtp-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let certificate = try await TLSCertificate.make(in: directory)
            try await TestPBX.run(configure: { try $0.enableTLS(certificate) }) { pbx in
                try await transfer(pbx, byCaller: byCaller, transport: "tls", mediaEncryption: "srtp-mand")
            }
        }

        /// Anna calls Bela; the callee (or, `byCaller`, the caller) transfers the other to 1003,
        /// a third softphone; checks what each phone heard.
        private func transfer(_ pbx: TestPBX, byCaller: Bool, transport: String, mediaEncryption: String?) async throws
        {
            let target = "1003"
            let targetTone = 1500
            let (anna, bela) = try await twoRegisteredPhones(
                pbx, annaTransport: transport, belaTransport: transport, mediaEncryption: mediaEncryption)
            try await pbx.addExtension(target, password: Fixture.password(target))
            if mediaEncryption != nil {
                for number in [Fixture.caller, Fixture.callee, target] {
                    try await pbx.cli.succeed(["ext", "set", number, "--srtp", "mandatory"])
                }
            }
            let cecil = try pbx.softphone(
                target, transport: transport, tone: targetTone, mediaEncryption: mediaEncryption)
            try await eventually("1003's softphone registered") {
                try await pbx.registrations().contains { $0.extension == target } ? true : nil
            }
            _ = try await annaCallsBela(pbx, anna, transport: transport)
            try await Task.sleep(for: .seconds(2))
            let (transferor, kept) = byCaller ? (anna, bela) : (bela, anna)
            let (transferorTone, keptTone) = byCaller ? (Self.annaTone, Self.belaTone) : (Self.belaTone, Self.annaTone)
            try transferor.send("/transfer sip:\(target)@\(transferor.registrar);transport=\(transport)")
            let call = try await eventually("the call transferred to 1003 and answered there") {
                try await pbx.liveCalls().first { $0.callee == target && $0.state == "answered" }
            }
            try await waitForCallEnd(transferor)
            try await Task.sleep(for: .seconds(3))
            try await pbx.cli.succeed(["call", "hangup", call.id])
            for phone in [kept, cecil] { try await waitForCallEnd(phone) }

            #expect(transferor.log.contains("202 Accepted"), "\(transferor.logTail)")
            try expectHeard(keptTone, by: cecil, seconds: 2)
            // The phone kept heard the transferor, then (after a moment of music while 1003
            // rang) 1003, and never the transferor again.
            let tones = Self.frameTones(try kept.heardAudio())
            let firstTarget = try #require(
                tones.firstIndex { Self.isTone($0, targetTone) }, "\(tones.compactMap { $0 })")
            #expect(tones[..<firstTarget].filter { Self.isTone($0, transferorTone) }.count >= 15)
            #expect(tones[firstTarget...].filter { Self.isTone($0, targetTone) }.count >= 25)
            #expect(!tones[firstTarget...].contains { Self.isTone($0, transferorTone) })
            let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
            #expect(cdr.path == ["transfer:\(target)"])
        }
    }
}
