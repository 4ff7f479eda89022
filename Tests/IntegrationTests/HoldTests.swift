import Foundation
import Testing
import VPBXControl
import VPBXMedia
import VPBXRTP

extension Integration {
    /// Music on hold against real phones: sipp holds and resumes, the other sipp phone's ear
    /// (a UDP socket the test reads) hears the engine's music and nothing after the resume.
    @Suite("Hold")
    struct HoldTests {
        /// What the callee's phone heard while the caller held the call for 3 s.
        struct Heard {
            /// RTP payloads in sequence order.
            var packets: [(header: RTPHeader, payload: [UInt8])]
            var bytes: [UInt8] { packets.flatMap(\.payload) }
            /// The first `count` samples, decoded from A-law.
            func samples(_ count: Int) -> [Int16] { bytes.prefix(count).map { G711.Law.alaw.decode($0) } }
        }

        /// 1001 calls 1002 (a silent sipp phone that answers A-law), holds for 3 s, resumes,
        /// hangs up. The caller's scenario checks a=recvonly in the hold answer and a=sendrecv
        /// in the resume answer, both from the engine.
        private func holdForThreeSeconds(_ pbx: TestPBX) async throws -> Heard {
            let calleeEar = try RTPCapture()
            let callerEar = try RTPCapture()
            let callee = try SippPeer(.answerListen).key("rtp_listen", String(calleeEar.port))
            try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
            try await pbx.addExtension(
                Fixture.callee, password: Fixture.password(Fixture.callee),
                staticContact: pbx.contact(of: callee, number: Fixture.callee))
            let caller = try pbx.phone(.callHoldResume).service(Fixture.callee).caller(Fixture.caller)
                .key("rtp_listen", String(callerEar.port))
                .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))

            let (callerResult, calleeResult) = try await pbx.call(caller: caller, callee: callee)
            calleeEar.stop()
            callerEar.stop()
            try callerResult.requireSuccess()
            try calleeResult.requireSuccess()
            // The callee's phone never saw the hold: its only INVITE is the call's.
            #expect(calleeResult.receivedMessages().filter { $0.hasPrefix("INVITE ") }.count == 1)
            // The holder heard nothing from the engine (the callee is silent).
            #expect(callerEar.received.isEmpty)
            let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
            #expect(cdr.disposition == .answered)
            #expect(cdr.hangupSide == .caller)

            return Heard(packets: calleeEar.receivedPackets)
        }

        /// Neither phone sends RTP, and the engine's RTP timeout (3 s) is as long as the hold:
        /// the call outlives it only because the hold suspends the timeout and the resume
        /// starts a fresh period (1 s before the hang-up).
        @Test("hold plays music: the callee hears the built-in music from its start, for as long as the hold lasts; the RTP timeout waits")
        func holdPlaysMusic() async throws {
            try await TestPBX.run(configure: { $0.rtpTimeout = 3 }) { pbx in
                let heard = try await holdForThreeSeconds(pbx)
                // The caller sends no audio, so all the callee heard is the music: 3 s of hold,
                // about 150 packets of 20 ms (200 would mean it did not stop at the resume).
                #expect((125...175).contains(heard.packets.count), "music packets heard: \(heard.packets.count)")
                #expect(heard.packets.allSatisfy { $0.header.payloadType == 8 }, "A-law, the codec the callee answered")
                // Exactly the engine's music, from its first note, with nothing lost or repeated.
                let music = HoldMusic.loop().map { G711.Law.alaw.encode($0) }
                let bytes = heard.bytes
                #expect(bytes.count >= 160 && Array(bytes.prefix(music.count)) == Array(music.prefix(bytes.count)))
                let firstNote = FrequencyEstimator.dominantFrequency(in: heard.samples(2000), range: 150...1000)
                #expect(abs(firstNote - HoldMusic.melodyFrequencies[0]) < 3, "first note \(firstNote) Hz")
            }
        }

        @Test("vpbx moh set: the administrator's file is what a held caller hears; bad files are refused; reset restores the built-in loop")
        func customMusic() async throws {
            try await TestPBX.run { pbx in
                let builtIn = try await pbx.cli.json(MusicInfo.self, ["moh", "show"])
                #expect(builtIn == MusicInfo(source: .builtIn, durationMilliseconds: 8000, musicClass: "default"))

                let studio = pbx.scratch.file("music.wav")
                try await Sox.sine(studio, rate: 44100, channels: 2, seconds: 2, frequency: 1000, scratch: pbx.scratch)
                let stored = try await pbx.cli.json(MusicInfo.self, ["moh", "set", studio.path])
                #expect(stored.source == .custom && abs(stored.durationMilliseconds - 2000) <= 1)
                let broken = pbx.scratch.file("broken.wav")
                try Data("not audio at all".utf8).write(to: broken)
                let refused = try await pbx.cli.run(["moh", "set", broken.path])
                #expect(refused.exitCode == 1)
                #expect(refused.stderr.contains("broken.wav") && refused.stderr.contains("invalid_argument"))
                #expect(try await pbx.cli.json(MusicInfo.self, ["moh", "show"]) == stored)

                let heard = try await holdForThreeSeconds(pbx)
                let tone = heard.samples(8000)
                #expect(tone.count == 8000)
                let frequency = FrequencyEstimator.dominantFrequency(in: tone)
                #expect(abs(frequency - 1000) < 5, "held caller heard \(frequency) Hz")
                #expect(SignalLevel.rms(tone) > 1000)

                let reset = try await pbx.cli.json(MusicInfo.self, ["moh", "reset"])
                #expect(reset == builtIn)
                let again = try await pbx.cli.run(["moh", "reset"])
                #expect(again.exitCode == 1 && again.stderr.contains("not_found"))
                let missing = try await pbx.cli.run(["moh", "set", pbx.scratch.file("nope.wav").path])
                #expect(missing.exitCode == 2 && missing.stderr.contains("nope.wav"))
            }
        }
    }
}
