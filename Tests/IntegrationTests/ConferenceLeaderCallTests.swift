import Foundation
import Testing
import VPBXControl

extension Integration {
    /// A conference room with a leader, with baresip softphones keying RFC 4733 digits: a
    /// member waits for the leader, the leader's keys lock the room and mute the others, and
    /// the room ends with its leader.
    @Suite("Conference rooms: leaders")
    struct ConferenceLeaderCallTests {
        typealias Rooms = ConferenceCallTests

        /// `phone` dials the room's number, 800, and once answered keys `keys` (a PIN and #).
        static func dial(_ phone: BaresipPhone, keying keys: String, _ pbx: TestPBX) async throws {
            try phone.send("/dial sip:800@\(pbx.options.sipAddress)")
            try await eventually("the room answered") { phone.log.contains("Call established") ? true : nil }
            try await Task.sleep(for: .milliseconds(500))
            try await phone.press(keys: keys)
        }

        @Test(
            "--leader-pin with --wait-for-leader and --end-with-leader: 1002 waits, 1001 leads, locks and mutes; 1002 hung up when 1001 leaves"
        )
        func roomWithALeader() async throws {
            try await TestPBX.run { pbx in
                try await pbx.cli.succeed(["route", "add", "800", "--to", "conf:board"])
                let noLeader = try await pbx.cli.run(["conf", "add", "other", "--max", "5", "--wait-for-leader", "on"])
                #expect(
                    noLeader.exitCode != 0 && noLeader.stderr.contains("without a leader PIN"), "\(noLeader.summary)")
                try await pbx.cli.succeed([
                    "conf", "add", "board", "--leader-pin", "90210", "--wait-for-leader", "on", "--end-with-leader",
                    "on",
                ])
                let settings = try #require(try await Rooms.room("board", pbx))
                #expect(
                    settings.leaderPIN == "90210" && settings.waitForLeader == true && settings.endWithLeader == true)
                let (anna, bela) = try await Rooms.softphones(pbx)
                func dial(_ phone: BaresipPhone, keying keys: String) async throws {
                    try await Self.dial(phone, keying: keys, pbx)
                }

                // Bela leads nothing: # alone lets him in, to wait for the leader.
                try await dial(bela, keying: "#")
                _ = try await eventually("Bela waiting in the room") {
                    try await Rooms.room("board", pbx)?.waiting == [Fixture.callee] ? true : nil
                }
                try await dial(anna, keying: "90210#")
                let led = try await eventually("Anna leading, nobody waiting") {
                    try await Rooms.room("board", pbx).flatMap { $0.leaders == [Fixture.caller] ? $0 : nil }
                }
                #expect(led.waiting == [] && led.participants == [Fixture.callee, Fixture.caller], "\(led)")
                let shown = try await pbx.cli.run(["conf", "list"], json: false)
                #expect(shown.stdout.contains("\(Fixture.caller)(leader)"), "\(shown.stdout)")

                try await anna.press(keys: "2")
                _ = try await eventually("the room locked") {
                    try await Rooms.room("board", pbx)?.locked == true ? true : nil
                }
                // A supervisor unlocks it and locks it again from the CLI.
                let unlocked = try await pbx.cli.json(ConferenceInfo.self, ["conf", "unlock", "board"])
                #expect(unlocked.locked == false, "\(unlocked)")
                try await pbx.cli.succeed(["conf", "lock", "board"])
                #expect(try await Rooms.room("board", pbx)?.locked == true)
                let empty = try await pbx.cli.run(["conf", "lock", "nobody"])
                #expect(
                    empty.exitCode == 1 && empty.stderr.contains("nobody is in conference room nobody"),
                    "\(empty.summary)")
                try await anna.press(keys: "1")
                _ = try await eventually("Bela muted by the leader") {
                    try await Rooms.room("board", pbx)?.muted == [Fixture.callee] ? true : nil
                }

                try anna.send("/hangup")
                try await eventually("the engine hung Bela up") {
                    bela.log.contains("terminated (duration:") ? true : nil
                }
                let ended = try await eventually("Bela's record finished") {
                    try await pbx.cdrs().first {
                        $0.caller == Fixture.callee && $0.callee == "800"
                            && $0.path?.contains("conf:board=ended") == true
                    }
                }
                #expect(ended.path?.contains("conf:board=ended") == true, "\(ended.path ?? [])")
                _ = try await eventually("the room empty") {
                    try await Rooms.room("board", pbx)?.participants == [] ? true : nil
                }
            }
        }

        @Test("the leader's 3 removes the caller who came in last: told conf-removed and hung up; the leader stays")
        func leaderRemovesTheLastCaller() async throws {
            try await TestPBX.run { pbx in
                try await pbx.cli.succeed(["route", "add", "800", "--to", "conf:board"])
                try await pbx.cli.succeed(["conf", "add", "board", "--leader-pin", "90210"])
                let (anna, bela) = try await Rooms.softphones(pbx)
                for (phone, keys) in [(anna, "90210#"), (bela, "#")] {
                    try await Self.dial(phone, keying: keys, pbx)
                    _ = try await eventually("in the room") {
                        try await Rooms.room("board", pbx)?.participants.contains(
                            phone === anna ? Fixture.caller : Fixture.callee)
                            == true ? true : nil
                    }
                }
                try await bela.press(keys: "3")
                try await Task.sleep(for: .seconds(1))
                #expect(try await Rooms.room("board", pbx)?.participants.count == 2, "a member's 3 removes nobody")

                try await anna.press(keys: "3")
                try await eventually("the engine hung Bela up") {
                    bela.log.contains("terminated (duration:") ? true : nil
                }
                let removed = try await eventually("Bela's record saying he was removed") {
                    try await pbx.cdrs().first {
                        $0.caller == Fixture.callee && $0.callee == "800"
                            && $0.path?.contains("conf:board=removed") == true
                    }
                }
                #expect(removed.disposition == .answered, "\(removed)")
                #expect(try await Rooms.room("board", pbx)?.participants == [Fixture.caller])
                try anna.send("/hangup")
                _ = try await eventually("the room empty") {
                    try await Rooms.room("board", pbx)?.participants == [] ? true : nil
                }
            }
        }
    }
}
