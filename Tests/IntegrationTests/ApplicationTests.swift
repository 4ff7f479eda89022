import Foundation
import Testing
import VPBXControl
import VPBXMedia
import VPBXRTP

extension Integration {
    /// The engine answering calls itself: announcements and IVR menus, heard and pressed by sipp.
    @Suite("Applications")
    struct ApplicationTests {
        /// The samples of the G.711 packets `capture` received, in arrival order.
        private func audio(_ packets: [[UInt8]]) -> [Int16] {
            var samples: [Int16] = []
            for packet in packets where packet.count > 12 {
                let header = packet.withUnsafeBytes { RTPHeader(bytes: $0) }
                guard let header, packet[0] & 0x1F == 0x00 || packet[0] & 0x0F == 0 else { continue }
                let law: G711.Law
                switch header.payloadType {
                case 8: law = .alaw
                case 0: law = .ulaw
                default: continue  // telephone-event, comfort noise
                }
                samples += packet[12...].map { law.decode($0) }
            }
            return samples
        }

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

                let samples = audio(ear.received)
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

        @Test("a menu: the caller presses 1 during the greeting and is put through to 1002")
        func menuToExtension() async throws {
            try await TestPBX.run { pbx in
                try await Sox.sine(
                    URL(fileURLWithPath: pbx.options.promptsDirectory).appendingPathComponent("hu/welcome.wav"),
                    rate: 8000,
                    channels: 1, seconds: 4, frequency: 440, scratch: pbx.scratch)
                let callee = try SippPeer(.answerHangup).echoingRTP()
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: callee, number: Fixture.callee))
                try await pbx.cli.succeed(["ivr", "add", "main", "--greeting", "welcome", "--option", "1=ext:1002"])
                try await pbx.cli.succeed(["route", "add", "200", "--to", "ivr:main"])

                let caller = try pbx.phone(.callPress1).service("200").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let (callerResult, calleeResult) = try await pbx.call(caller: caller, callee: callee)
                try callerResult.requireSuccess()  // answered by the menu, then 1002's hang-up reached it
                try calleeResult.requireSuccess()  // 1002 was rung after the key, answered and hung up

                let cdr = try await pbx.cdr(from: Fixture.caller, to: "200")
                #expect(cdr.disposition == .answered)
                #expect(cdr.hangupSide == .callee)
                #expect(cdr.path?.prefix(2) == ["route:200", "ivr:main"])
            }
        }
    }
}
