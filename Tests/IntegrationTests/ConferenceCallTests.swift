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

        @Test("three callers in one room: the first, alone, hears music; then each hears the other two, not itself; conference.list shows them; hanging up leaves")
        func threeCallersHearEachOther() async throws {
            try await TestPBX.run { pbx in
                try await pbx.cli.succeed(["route", "add", "800", "--to", "conf:team"])
                var ears: [RTPCapture] = []
                var phones: [SippProcess] = []
                for member in Self.members {
                    try await pbx.addExtension(member, password: Fixture.password(member))
                    let ear = try RTPCapture()
                    let phone = try pbx.phone(.callListen).service("800").caller(member)
                        .key("rtp_listen", String(ear.port)).credentials(user: member, password: Fixture.password(member))
                    ears.append(ear)
                    phones.append(try pbx.start(phone, name: "caller-\(member)"))
                    if member == Self.members[0] {
                        // Alone in the room, the first caller hears the hold music, not silence.
                        _ = try await eventually("1001 in the room for a second") { ear.received.count >= 75 ? true : nil }
                        let alone = ear.receivedAudio.suffix(4000).map { Double($0) * Double($0) }
                        let rms = (alone.reduce(0, +) / Double(max(alone.count, 1))).squareRoot()
                        let seen = "RMS \(rms) of \(alone.count) samples, packets \(ear.received.count), sizes \(Set(ear.received.map(\.count)))"
                        #expect(alone.count == 4000, "\(seen)")
                        #expect(rms > 300, "the last 0.5 s alone: \(seen)")
                    }
                }
                let calls = try await eventually("the three calls answered by the room") {
                    for phone in phones where !phone.isRunning { throw StopWaiting(reason: "a caller's sipp has ended") }
                    let calls = try await pbx.cli.json([CallInfo].self, ["call", "list"]).filter {
                        $0.callee == "conf-team" && $0.state == .answered && $0.legs?.first?.mediaPort != nil
                    }
                    return calls.count == 3 ? calls : nil
                }
                let rooms = try await pbx.cli.json([ConferenceInfo].self, ["call", "conferences"])
                #expect(rooms.map(\.name) == ["team"] && Set(rooms.first?.participants ?? []) == Set(Self.members), "\(rooms)")

                for (index, member) in Self.members.enumerated() {
                    let call = try #require(calls.first { $0.caller == member })
                    ears[index].talk(frequency: Self.tones[index], to: UInt16(try #require(call.legs?.first?.mediaPort)))
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
                            #expect(heard.has(Self.tones[other]), "\(Self.members[index]) does not hear \(Self.members[other]): \(heard)")
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
    }
}
