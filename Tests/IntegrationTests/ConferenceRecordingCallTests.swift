import Foundation
import Testing
import VPBXControl
import VPBXMedia

extension Integration {
    /// A conference room that records (`vpbx conf set team --record on`): 1001 (500 Hz) and
    /// 1002 (1000 Hz) talk in it; the room is one recording of its mix, from its first caller
    /// to its last, the same on both channels (ConfBridge's `record_conference`).
    @Suite("Conference recording")
    struct ConferenceRecordingCallTests {
        @Test(
            "a recording room is one recording of its mix: both callers' voices, opened by the first, found by the room"
        )
        func recordedRoom() async throws {
            try await TestPBX.run { pbx in
                try await pbx.cli.succeed(["route", "add", "800", "--to", "conf:team"])
                let room = try await pbx.cli.json(ConferenceInfo.self, ["conf", "add", "team", "--record", "on"])
                #expect(room.recordCalls == true, "\(room)")
                let listed = try await pbx.cli.run(["conf", "list"], json: false).stdout
                #expect(listed.contains("RECORDED") && listed.contains(" yes "), "\(listed)")
                let members = ["1001", "1002"]
                let tones = [500.0, 1000.0]
                var ears: [RTPCapture] = []
                var phones: [SippProcess] = []
                for member in members {
                    let (ear, phone) = try await ConferenceCallTests.dialIn(member, pbx)
                    ears.append(ear)
                    phones.append(phone)
                }
                let calls = try await eventually("both calls answered by the room") {
                    let calls = try await pbx.cli.json([CallInfo].self, ["call", "list"]).filter {
                        $0.callee == "conf-team" && $0.state == .answered && $0.legs?.first?.mediaPort != nil
                    }
                    return calls.count == 2 ? calls : nil
                }
                for (index, member) in members.enumerated() {
                    let call = try #require(calls.first { $0.caller == member })
                    ears[index].talk(frequency: tones[index], to: UInt16(try #require(call.legs?.first?.mediaPort)))
                }
                try await Task.sleep(for: .seconds(3))
                let recording = try #require(
                    try await pbx.cli.json([RecordingInfo].self, ["rec", "list", "--number", "conf:team"]).first)
                #expect(recording.caller == "1001" && recording.callee == "conf:team", "\(recording)")
                #expect(recording.state == "recording", "until the room ends: \(recording)")
                for call in calls { try await pbx.cli.succeed(["call", "hangup", call.id]) }
                for phone in phones { try await phone.finish().requireSuccess() }
                for ear in ears { ear.stop() }

                let finished = try await eventually("the room's recording finished") {
                    let list = try await pbx.cli.json([RecordingInfo].self, ["rec", "list"])
                    return list.count == 1 && list[0].state == "complete" ? list[0] : nil
                }
                #expect(
                    finished.id == recording.id && !calls.map(\.id).contains(finished.id), "no caller's call recorded")
                let exported = pbx.scratch.file("room-team.wav")
                try await pbx.cli.succeed(["rec", "export", finished.id, exported.path])
                let wav = try WAVReader.read(try [UInt8](Data(contentsOf: exported)), name: exported.lastPathComponent)
                #expect(wav.format.channels == 2)
                // The last two seconds of talk, before the hang-ups.
                let frames = wav.samples.count / 2
                #expect(frames > 3 * 8000, "from the first caller to the last: \(frames) frames")
                let window = max(0, frames - 20_000)..<max(0, frames - 4_000)
                let left = window.map { wav.samples[2 * $0] }
                let right = window.map { wav.samples[2 * $0 + 1] }
                let levels = tones.map { "\($0) Hz: \(Goertzel.amplitude(of: $0, in: left))" }.joined(separator: ", ")
                for tone in tones { #expect(Goertzel.amplitude(of: tone, in: left) > 1500, "\(levels)") }
                #expect(left == right, "the mix on both channels")
                let audit = try await pbx.cli.json(AuditLogInfo.self, ["rec", "audit"])
                #expect(
                    audit.entries.filter { $0.action == "recording.started" }.count == 1
                        && audit.entries.contains {
                            $0.detail?.contains("conference room team records its mix") == true
                        },
                    "\(audit.entries.map { "\($0.action) \($0.detail ?? "")" })")
            }
        }
    }
}
