import Foundation
import Testing
import VPBXControl
import VPBXMedia

extension Integration {
    /// A conference room that records its callers' calls (`vpbx conf set team --record on`):
    /// 1001 (500 Hz) and 1002 (1000 Hz) talk in it; each call is its own recording, the
    /// caller's voice on the left, the room as the caller heard it on the right.
    @Suite("Conference recording")
    struct ConferenceRecordingCallTests {
        @Test("each caller's call in a recording room is recorded: its own voice left, the others right, not itself")
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
                for call in calls { try await pbx.cli.succeed(["call", "hangup", call.id]) }
                for phone in phones { try await phone.finish().requireSuccess() }
                for ear in ears { ear.stop() }

                let recordings = try await eventually("both recordings finished") {
                    let list = try await pbx.cli.json([RecordingInfo].self, ["rec", "list"]).filter {
                        $0.state == "complete"
                    }
                    return list.count == 2 ? list : nil
                }
                #expect(
                    Set(recordings.map(\.caller)) == Set(members) && Set(recordings.map(\.id)) == Set(calls.map(\.id)))
                for (index, member) in members.enumerated() {
                    let recording = try #require(recordings.first { $0.caller == member })
                    let exported = pbx.scratch.file("room-\(member).wav")
                    try await pbx.cli.succeed(["rec", "export", recording.id, exported.path])
                    let wav = try WAVReader.read(
                        try [UInt8](Data(contentsOf: exported)), name: exported.lastPathComponent)
                    #expect(wav.format.channels == 2)
                    // The last two seconds of talk, before the hang-up.
                    let frames = wav.samples.count / 2
                    let window = max(0, frames - 20_000)..<max(0, frames - 4_000)
                    let left = window.map { wav.samples[2 * $0] }
                    let right = window.map { wav.samples[2 * $0 + 1] }
                    let own = tones[index]
                    let other = tones[1 - index]
                    let levels =
                        "\(member): left \(own): \(Goertzel.amplitude(of: own, in: left)), \(other): \(Goertzel.amplitude(of: other, in: left)); "
                        + "right \(own): \(Goertzel.amplitude(of: own, in: right)), \(other): \(Goertzel.amplitude(of: other, in: right)); "
                        + "\(frames) frames"
                    #expect(Goertzel.amplitude(of: own, in: left) > 1500, "\(levels)")
                    #expect(Goertzel.amplitude(of: other, in: right) > 1500, "\(levels)")
                    #expect(
                        Goertzel.amplitude(of: own, in: right) < 300, "the room does not play a caller back: \(levels)")
                }
                let audit = try await pbx.cli.json(AuditLogInfo.self, ["rec", "audit"])
                #expect(
                    audit.entries.filter { $0.action == "recording.started" }.count == 2
                        && audit.entries.contains { $0.detail?.contains("conference room team") == true },
                    "\(audit.entries.map { "\($0.action) \($0.detail ?? "")" })")
            }
        }
    }
}
