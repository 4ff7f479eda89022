import Foundation
import Testing
import VPBXControl
import VPBXMedia

extension Integration {
    /// What a caller hears on coming into a room, with the prompts replaced by tones the test
    /// can tell apart: alone, that it is the only one; otherwise how many others are there.
    @Suite("Conference rooms: announcements")
    struct ConferenceAnnouncementCallTests {
        static let alone = 750
        static let participants = 1750
        static let one = 2250

        @Test("the first caller hears that it is alone, the second that one other is there")
        func countOnJoining() async throws {
            try await TestPBX.run { pbx in
                let hungarian = URL(fileURLWithPath: pbx.options.promptsDirectory).appendingPathComponent("hu")
                try FileManager.default.createDirectory(at: hungarian, withIntermediateDirectories: true)
                for (name, frequency) in [("conf-only-person", Self.alone), ("conf-participants", Self.participants), ("num-1", Self.one)] {
                    try await Sox.sine(
                        hungarian.appendingPathComponent("\(name).wav"), rate: 8000, channels: 1, seconds: 0.6,
                        frequency: frequency, scratch: pbx.scratch)
                }
                try await pbx.cli.succeed(["route", "add", "800", "--to", "conf:team"])

                let (firstEar, firstPhone) = try await ConferenceCallTests.dialIn("1001", pbx)
                defer { firstEar.stop() }
                _ = try await eventually("1001 in the room for 2 s") { firstEar.received.count >= 100 ? true : nil }
                let first = Levels(firstEar.receivedAudio)
                #expect(first.of(Self.alone) > 1000 && first.of(Self.participants) < 300, "1001 alone heard \(first)")

                let (secondEar, secondPhone) = try await ConferenceCallTests.dialIn("1002", pbx)
                defer { secondEar.stop() }
                _ = try await eventually("1002 in the room for 2 s") { secondEar.received.count >= 100 ? true : nil }
                let second = Levels(secondEar.receivedAudio)
                #expect(
                    second.of(Self.participants) > 1000 && second.of(Self.one) > 1000 && second.of(Self.alone) < 300,
                    "1002, with 1001 there, heard \(second)")

                for call in try await pbx.cli.json([CallInfo].self, ["call", "list"]) {
                    try await pbx.cli.succeed(["call", "hangup", call.id])
                }
                try await firstPhone.finish().requireSuccess()
                try await secondPhone.finish().requireSuccess()
            }
        }

        /// Goertzel amplitudes of the announcement tones in what an ear received.
        struct Levels: CustomStringConvertible {
            let samples: [Int16]

            init(_ samples: [Int16]) { self.samples = samples }

            func of(_ frequency: Int) -> Double { Goertzel.amplitude(of: Double(frequency), in: samples) }

            var description: String {
                [alone, participants, one].map { "\($0) Hz: \(Int(of($0)))" }.joined(separator: ", ")
                    + " in \(samples.count) samples"
            }
        }
    }
}
