import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Conference rooms with real phones: 1001, 1002 and 1003 (sipp) dial 800, routed to
    /// `conf:team`; their ears (UDP sockets the test reads and talks from) send 500, 1000 and
    /// 1500 Hz, and each must hear the other two and not itself.
    @Suite("Conference rooms")
    struct ConferenceCallTests {
        static let members = ["1001", "1002", "1003"]
        static let tones = [500.0, 1000.0, 1500.0]

        @Test(
            "three callers in one room: the first, alone, hears music; then each hears the other two, not itself; conference.list shows them; hanging up leaves"
        )
        func threeCallersHearEachOther() async throws {
            try await TestPBX.run { pbx in
                try await pbx.cli.succeed(["route", "add", "800", "--to", "conf:team"])
                var ears: [RTPCapture] = []
                var phones: [SippProcess] = []
                for member in Self.members {
                    let (ear, phone) = try await Self.dialIn(member, pbx)
                    ears.append(ear)
                    phones.append(phone)
                    if member == Self.members[0] {
                        // Alone in the room, the first caller hears the hold music, not silence.
                        _ = try await eventually("1001 in the room for a second") {
                            ear.received.count >= 75 ? true : nil
                        }
                        let alone = ear.receivedAudio.suffix(4000).map { Double($0) * Double($0) }
                        let rms = (alone.reduce(0, +) / Double(max(alone.count, 1))).squareRoot()
                        let seen =
                            "RMS \(rms) of \(alone.count) samples, packets \(ear.received.count), sizes \(Set(ear.received.map(\.count)))"
                        #expect(alone.count == 4000, "\(seen)")
                        #expect(rms > 300, "the last 0.5 s alone: \(seen)")
                    }
                }
                let calls = try await eventually("the three calls answered by the room") {
                    for phone in phones where !phone.isRunning {
                        throw StopWaiting(reason: "a caller's sipp has ended")
                    }
                    let calls = try await pbx.cli.json([CallInfo].self, ["call", "list"]).filter {
                        $0.callee == "conf-team" && $0.state == .answered && $0.legs?.first?.mediaPort != nil
                    }
                    return calls.count == 3 ? calls : nil
                }
                let rooms = try await pbx.cli.json([ConferenceInfo].self, ["call", "conferences"])
                #expect(
                    rooms.map(\.name) == ["team"] && Set(rooms.first?.participants ?? []) == Set(Self.members),
                    "\(rooms)")

                for (index, member) in Self.members.enumerated() {
                    let call = try #require(calls.first { $0.caller == member })
                    ears[index].talk(
                        frequency: Self.tones[index], to: UInt16(try #require(call.legs?.first?.mediaPort)))
                }
                try await Task.sleep(for: .milliseconds(600))  // past the join tones and the jitter buffers' fill
                let start = ears.map(\.received.count)
                try await Task.sleep(for: .seconds(2))
                let end = ears.map(\.received.count)
                for call in calls { try await pbx.cli.succeed(["call", "hangup", call.id]) }
                for phone in phones { try await phone.finish().requireSuccess() }  // each got the engine's BYE
                for ear in ears { ear.stop() }

                for index in Self.members.indices {
                    let heard = MonitorCallTests.Heard(ears[index], from: start[index], to: end[index])
                    for other in Self.tones.indices {
                        if other == index {
                            #expect(!heard.has(Self.tones[other]), "\(Self.members[index]) hears itself: \(heard)")
                        } else {
                            #expect(
                                heard.has(Self.tones[other]),
                                "\(Self.members[index]) does not hear \(Self.members[other]): \(heard)")
                        }
                    }
                }
                try await eventually("the room gone with its last caller") {
                    try await pbx.cli.json([ConferenceInfo].self, ["call", "conferences"]).isEmpty
                }
                let cdr = try await pbx.cdr(from: "1001", to: "800")
                #expect(cdr.path?.contains("conf:team") == true, "\(cdr.path ?? [])")
            }
        }

        @Test("vpbx conf mute: the room stops hearing a participant, who still hears the room; unmute brings it back")
        func moderatorMutes() async throws {
            try await TestPBX.run { pbx in
                try await pbx.cli.succeed(["route", "add", "800", "--to", "conf:team"])
                let members = Array(Self.members.prefix(2))
                var ears: [RTPCapture] = []
                var phones: [SippProcess] = []
                for member in members {
                    let (ear, phone) = try await Self.dialIn(member, pbx)
                    ears.append(ear)
                    phones.append(phone)
                }
                let calls = try await eventually("the two calls answered by the room") {
                    for phone in phones where !phone.isRunning {
                        throw StopWaiting(reason: "a caller's sipp has ended")
                    }
                    let calls = try await pbx.cli.json([CallInfo].self, ["call", "list"]).filter {
                        $0.callee == "conf-team" && $0.state == .answered && $0.legs?.first?.mediaPort != nil
                    }
                    return calls.count == 2 ? calls : nil
                }
                for (index, member) in members.enumerated() {
                    let call = try #require(calls.first { $0.caller == member })
                    ears[index].talk(
                        frequency: Self.tones[index], to: UInt16(try #require(call.legs?.first?.mediaPort)))
                }
                /// What each ear hears over the next 1.2 s (its first 0.5 s skipped).
                func listen() async throws -> [MonitorCallTests.Heard] {
                    let start = ears.map(\.received.count)
                    try await Task.sleep(for: .milliseconds(1200))
                    let end = ears.map(\.received.count)
                    return ears.indices.map { MonitorCallTests.Heard(ears[$0], from: start[$0], to: end[$0]) }
                }
                try await Task.sleep(for: .milliseconds(600))  // past the join tones and the jitter buffers' fill
                let before = try await listen()
                #expect(before[1].has(Self.tones[0]), "1002 hears 1001: \(before[1])")

                try await pbx.cli.succeed(["conf", "mute", "team", "1001"])
                let room = try await Self.room("team", pbx)
                #expect(room?.muted == ["1001"], "\(String(describing: room))")
                let list = try await pbx.cli.run(["conf", "list"], json: false)
                #expect(list.stdout.contains("1001(muted) 1002"), "\(list.stdout)")
                let muted = try await listen()
                #expect(!muted[1].has(Self.tones[0]), "1002 still hears the muted 1001: \(muted[1])")
                #expect(muted[0].has(Self.tones[1]), "the muted 1001 no longer hears 1002: \(muted[0])")

                let nobody = try await pbx.cli.run(["conf", "mute", "team", "1009"])
                #expect(nobody.exitCode == 1 && nobody.stderr.contains("1009"), "\(nobody.summary)")

                try await pbx.cli.succeed(["conf", "unmute", "team", "1001"])
                let again = try await listen()
                #expect(again[1].has(Self.tones[0]), "1002 hears 1001 again: \(again[1])")
                #expect(try await Self.room("team", pbx)?.muted == [])

                // Everyone at once (no leaders here), as a leader's 1: nobody hears anybody.
                let both = try await pbx.cli.run(["conf", "mute", "team", "1001", "--all"])
                #expect(both.exitCode != 0 && both.stderr.contains("one of them"), "\(both.summary)")
                let allMuted = try await pbx.cli.json(ConferenceInfo.self, ["conf", "mute", "team", "--all"])
                #expect(Set(allMuted.muted ?? []) == Set(members), "\(allMuted)")
                let silent = try await listen()
                #expect(!silent[0].has(Self.tones[1]) && !silent[1].has(Self.tones[0]), "\(silent)")
                let allHeard = try await pbx.cli.json(ConferenceInfo.self, ["conf", "unmute", "team", "--all"])
                #expect(allHeard.muted == [], "\(allHeard)")

                for call in calls { try await pbx.cli.succeed(["call", "hangup", call.id]) }
                for phone in phones { try await phone.finish().requireSuccess() }
                for ear in ears { ear.stop() }
            }
        }

        /// `member` (a new extension) dials 800 with a sipp that listens, its ear (the UDP
        /// socket the test reads and talks from) named in its SDP.
        static func dialIn(_ member: String, _ pbx: TestPBX) async throws -> (RTPCapture, SippProcess) {
            try await pbx.addExtension(member, password: Fixture.password(member))
            let ear = try RTPCapture()
            let phone = try pbx.phone(.callListen).service("800").caller(member)
                .key("rtp_listen", String(ear.port)).credentials(user: member, password: Fixture.password(member))
            return (ear, try pbx.start(phone, name: "caller-\(member)"))
        }

        /// Extensions 1001 (Anna, 1000 Hz) and 1002 (Bela, 600 Hz) as registered baresip phones.
        static func softphones(_ pbx: TestPBX) async throws -> (anna: BaresipPhone, bela: BaresipPhone) {
            for number in [Fixture.caller, Fixture.callee] {
                try await pbx.addExtension(number, password: Fixture.password(number))
            }
            let anna = try pbx.softphone(Fixture.caller, tone: 1000)
            let bela = try pbx.softphone(Fixture.callee, tone: 600)
            try await eventually("both softphones registered") {
                try await pbx.registrations().filter { $0.userAgent?.hasPrefix("baresip") == true }.count == 2
                    ? true : nil
            }
            return (anna, bela)
        }

        /// `vpbx conf list --json` for one room.
        static func room(_ name: String, _ pbx: TestPBX) async throws -> ConferenceInfo? {
            try await pbx.cli.json([ConferenceInfo].self, ["conf", "list"]).first { $0.name == name }
        }

        @Test(
            "vpbx conf add --pin: a softphone keys a wrong PIN, then the right one, and is in; one that fails three times is hung up"
        )
        func roomWithAPIN() async throws {
            try await TestPBX.run { pbx in
                try await pbx.cli.succeed(["route", "add", "800", "--to", "conf:board"])
                try await pbx.cli.succeed(["conf", "add", "board", "--pin", "4711"])
                let bad = try await pbx.cli.run(["conf", "add", "other", "--pin", "12"])
                #expect(bad.exitCode == 2, "\(bad.summary)")
                let settings = try #require(try await Self.room("board", pbx))
                #expect(settings.hasPIN == true && settings.pin == "4711" && settings.participants.isEmpty)
                let (anna, bela) = try await Self.softphones(pbx)

                try anna.send("/dial sip:800@\(pbx.options.sipAddress)")
                try await eventually("the room answered Anna") { anna.log.contains("Call established") ? true : nil }
                try await Task.sleep(for: .milliseconds(500))
                try await anna.press(keys: "1234#")
                try await Task.sleep(for: .seconds(1))
                #expect(try await Self.room("board", pbx)?.participants == [], "not in with a wrong PIN")
                try await anna.press(keys: "4711#")
                _ = try await eventually("Anna in the room") {
                    try await Self.room("board", pbx)?.participants == [Fixture.caller] ? true : nil
                }

                try bela.send("/dial sip:800@\(pbx.options.sipAddress)")
                try await eventually("the room answered Bela") { bela.log.contains("Call established") ? true : nil }
                try await Task.sleep(for: .milliseconds(500))
                for _ in 0..<3 {
                    try await bela.press(keys: "0000#")
                    try await Task.sleep(for: .milliseconds(500))
                }
                try await eventually("the engine hung Bela up") {
                    bela.log.contains("terminated (duration:") ? true : nil
                }
                #expect(try await Self.room("board", pbx)?.participants == [Fixture.caller])
                let refused = try await pbx.cdr(from: Fixture.callee, to: "800")
                #expect(refused.path?.contains("conf:board=pin-refused") == true, "\(refused.path ?? [])")

                try anna.send("/hangup")
                try await eventually("Anna's call ended") { anna.log.contains("terminated (duration:") ? true : nil }
                // The room keeps its settings once empty; without them it is open again.
                #expect(try await Self.room("board", pbx)?.participants == [])
                try await pbx.cli.succeed(["conf", "remove", "board"])
                #expect(try await Self.room("board", pbx) == nil)
            }
        }

        @Test("vpbx conf add --max 2: a third caller hears that the room is full and is hung up; the two stay")
        func fullRoom() async throws {
            try await TestPBX.run { pbx in
                try await pbx.cli.succeed(["route", "add", "801", "--to", "conf:small"])
                try await pbx.cli.succeed(["conf", "add", "small", "--max", "2"])
                var phones: [SippProcess] = []
                var ears: [RTPCapture] = []
                defer { for ear in ears { ear.stop() } }
                for member in Self.members {
                    try await pbx.addExtension(member, password: Fixture.password(member))
                    let ear = try RTPCapture()
                    ears.append(ear)
                    let phone = try pbx.phone(.callListen).service("801").caller(member)
                        .key("rtp_listen", String(ear.port)).credentials(
                            user: member, password: Fixture.password(member))
                    phones.append(try pbx.start(phone, name: "caller-\(member)"))
                    if member != Self.members.last {
                        _ = try await eventually("\(member) in the room") {
                            try await Self.room("small", pbx)?.participants.contains(member) == true ? true : nil
                        }
                    }
                }
                // The third was answered, told, and got the engine's BYE: its scenario ends cleanly.
                try await phones[2].finish().requireSuccess()
                let full = try await pbx.cdr(from: Self.members[2], to: "801")
                #expect(full.path?.contains("conf:small=full") == true, "\(full.path ?? [])")
                #expect(try await Self.room("small", pbx)?.participants == Array(Self.members.prefix(2)))
                #expect(try await Self.room("small", pbx)?.maximumParticipants == 2)
                for call in try await pbx.cli.json([CallInfo].self, ["call", "list"]) {
                    try await pbx.cli.succeed(["call", "hangup", call.id])
                }
                for phone in phones.prefix(2) { try await phone.finish().requireSuccess() }
            }
        }
    }
}
