import Foundation
import Testing
import VPBXControl
import VPBXMedia
import VPBXRTP

extension Integration {
    /// ACD queues with real phones: sipp callers dial a queue, sipp phones stand in for the
    /// agents' desks; the figures are read back with `vpbx queue stats` and `vpbx agent status`.
    @Suite("Queue calls")
    struct QueueCallTests {
        /// 1001 is the caller; agents sit at the extensions given (static contacts of sipp
        /// phones); queue `sales` on number 300 with `options`.
        private func setUp(
            _ pbx: TestPBX, agents: [(number: String, extension: String, phone: SippPeer)], options: [String]
        ) async throws {
            try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
            try await pbx.cli.succeed(["queue", "add", "sales"] + options)
            for agent in agents {
                try await pbx.addExtension(
                    agent.extension, password: Fixture.password(agent.extension),
                    staticContact: pbx.contact(of: agent.phone, number: agent.extension))
                try await pbx.cli.succeed(["agent", "add", agent.number, "--name", "Ügynök \(agent.number)"])
                try await pbx.cli.succeed(["queue", "member", "add", "sales", agent.number])
                try await pbx.cli.succeed(["agent", "login", agent.number, "--at", agent.extension])
            }
            try await pbx.cli.succeed(["route", "add", "300", "--to", "queue:sales"])
        }

        private func stats(_ pbx: TestPBX) async throws -> QueueStatsInfo {
            let list = try await pbx.cli.json([QueueStatsInfo].self, ["queue", "stats", "sales"])
            return try #require(list.first)
        }

        @Test("a caller waits with music, the free agent's phone rings and answers, the call is bridged and counted")
        func answeredByAnAgent() async throws {
            try await TestPBX.run { pbx in
                let desk = try SippPeer(.answerHangup).echoingRTP()  // rings 0.5 s, answers, hangs up after 5 s
                try await setUp(pbx, agents: [("2001", "1002", desk)], options: ["--strategy", "ring-all", "--wrap-up", "2"])
                let ear = try RTPCapture()
                let caller = try pbx.phone(.callListen).service("300").caller(Fixture.caller)
                    .key("rtp_listen", String(ear.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let (callerResult, deskResult) = try await pbx.call(caller: caller, callee: desk)
                ear.stop()
                try callerResult.requireSuccess()  // answered by the queue, then the agent's hang-up reached it
                try deskResult.requireSuccess()  // the agent's phone rang, answered and hung up

                // While the agent's phone rang, the caller heard the music on hold from its start.
                let music = HoldMusic.loop().map { G711.Law.alaw.encode($0) }
                let heard = ear.received.compactMap { packet -> [UInt8]? in
                    guard let header = packet.withUnsafeBytes({ RTPHeader(bytes: $0) }), header.payloadType == 8 else { return nil }
                    return Array(packet[header.payloadOffset...])
                }.joined()
                // The channel may send a frame of silence (A-law 0xD5) before the player starts.
                let silence: UInt8 = 0xD5
                let tune = Array(heard.drop { $0 == silence }.prefix(1600))
                #expect(tune.count == 1600, "music heard: \(heard.count) samples")
                #expect(tune == Array(music.drop { $0 == silence }.prefix(1600)))

                let figures = try await eventually("the call counted") {
                    let figures = try await stats(pbx)
                    return figures.today.answered == 1 ? figures : nil
                }
                #expect(figures.today.offered == 1 && figures.today.abandoned == 0)
                #expect(figures.today.serviceLevelPercent == 100)
                #expect(figures.callsWaiting == 0)
                // After the call: wrap-up for 2 s, then available again with one call handled.
                let agent = try await eventually("the agent available again", timeout: .seconds(10)) {
                    let agents = try await pbx.cli.json([AgentStatusInfo].self, ["agent", "status"])
                    let agent = agents.first { (agent: AgentStatusInfo) -> Bool in agent.number == "2001" }
                    return agent?.state == "available" && agent?.callsHandled == 1 ? agent : nil
                }
                #expect(agent.extensionNumber == "1002" && agent.queues == ["sales"])
                // The finished call was stored: the report over the last hour reproduces the live figures.
                let hourAgo = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3600))
                let reports = try await eventually("the call in the report") {
                    let reports = try await pbx.cli.json(
                        [QueueReportInfo].self, ["report", "queue", "--queue", "sales", "--since", hourAgo, "--until", "+1h"])
                    return reports.first?.buckets.contains { $0.answered == 1 } == true ? reports : nil
                }
                let answeredBuckets = reports.first?.buckets.filter { $0.offered > 0 } ?? []
                #expect(answeredBuckets.count == 1 && answeredBuckets.first?.serviceLevelPercent == 100)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "300")
                #expect(cdr.disposition == .answered)
                let path = cdr.path ?? []
                #expect(path.starts(with: ["route:300", "queue:sales"]) && path.contains("ext:1002"))
            }
        }

        @Test("a queue that records its calls: the call an agent answers is recorded, for that reason; a direct call to the agent is not")
        func queueRecordsItsCalls() async throws {
            try await TestPBX.run { pbx in
                let desk = try SippPeer(.answerHangup).echoingRTP()  // rings 0.5 s, answers, hangs up after 5 s
                try await setUp(pbx, agents: [("2001", "1002", desk)], options: ["--strategy", "ring-all", "--record", "on"])
                let queue = try await pbx.cli.json(QueueInfo.self, ["queue", "show", "sales"])
                #expect(queue.recordCalls == true)
                let ear = try RTPCapture()
                defer { ear.stop() }
                let caller = try pbx.phone(.callListen).service("300").caller(Fixture.caller)
                    .key("rtp_listen", String(ear.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let (callerResult, deskResult) = try await pbx.call(caller: caller, callee: desk)
                try callerResult.requireSuccess()
                try deskResult.requireSuccess()
                let recording = try await eventually("the queue call's recording finished") {
                    try await pbx.cli.json([RecordingInfo].self, ["rec", "list"]).first { $0.state == "complete" }
                }
                #expect(recording.caller == Fixture.caller && recording.callee == "1002", "\(recording)")
                let audit = try await pbx.cli.json(AuditLogInfo.self, ["rec", "audit"])
                let started = audit.entries.first { $0.action == "recording.started" }
                #expect(started?.detail?.hasSuffix("queue sales records its calls") == true, "\(String(describing: started))")

                // The same agent called directly (not through the queue): its extension does not record.
                let direct = try SippPeer(.answerHangup).echoingRTP()
                try await pbx.cli.succeed(["ext", "set", "1002", "--static-contact", pbx.contact(of: direct, number: "1002")])
                let directCaller = try pbx.phone(.callListen).service("1002").caller(Fixture.caller)
                    .key("rtp_listen", String(ear.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let (directResult, directDesk) = try await pbx.call(caller: directCaller, callee: direct)
                try directResult.requireSuccess()
                try directDesk.requireSuccess()
                _ = try await eventually("the direct call's record") {
                    try await pbx.cdrs().first { $0.callee == "1002" && $0.disposition == .answered }
                }
                #expect(try await pbx.cli.json([RecordingInfo].self, ["rec", "list"]).count == 1)
            }
        }

        @Test("an agent who does not answer is skipped after the ring timeout; the next agent gets the caller")
        func unansweredAgentIsSkipped() async throws {
            try await TestPBX.run { pbx in
                let silent = try SippPeer(.ring)  // rings until cancelled
                let desk = try SippPeer(.answerHangup).echoingRTP()
                try await setUp(
                    pbx, agents: [("2001", "1002", silent), ("2002", "1003", desk)],
                    options: ["--strategy", "linear", "--ring-timeout", "2"])
                let silentProcess = try pbx.start(silent, name: "silent")
                try await Task.sleep(for: .milliseconds(300))
                try await silentProcess.requireListening()
                let caller = try pbx.phone(.callAwaitBye).service("300").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let (callerResult, deskResult) = try await pbx.call(caller: caller, callee: desk)
                try callerResult.requireSuccess()
                try deskResult.requireSuccess()
                // The first agent's phone was rung, then cancelled (the scenario expects the CANCEL).
                try await silentProcess.finish().requireSuccess()

                let agents = try await pbx.cli.json([AgentStatusInfo].self, ["agent", "status"])
                #expect(agents.first { $0.number == "2001" }?.missedOffers == 1)
                let answered = try await eventually("the call counted") {
                    let figures = try await stats(pbx)
                    return figures.today.answered == 1 ? figures : nil
                }
                #expect(answered.today.offered == 1)
            }
        }

        @Test("nobody answers within the maximum wait: the caller goes to the overflow destination; counted as overflowed")
        func overflowAfterMaximumWait() async throws {
            try await TestPBX.run { pbx in
                try await Sox.sine(
                    URL(fileURLWithPath: pbx.options.promptsDirectory).appendingPathComponent("hu/closed.wav"),
                    rate: 8000, channels: 1, seconds: 1, frequency: 1000, scratch: pbx.scratch)
                try await setUp(pbx, agents: [], options: ["--max-wait", "3", "--overflow", "play:closed"])
                let ear = try RTPCapture()
                let caller = try pbx.phone(.callListen).service("300").caller(Fixture.caller)
                    .key("rtp_listen", String(ear.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.run(caller, name: "caller").requireSuccess()  // the engine hung up after the announcement
                ear.stop()
                // About 3 s of music, then the 1 s announcement at 1 kHz.
                let samples = ear.receivedAudio
                let frames = stride(from: 0, to: samples.count - 159, by: 160).map { Array(samples[$0..<($0 + 160)]) }
                let announcement = frames.filter {
                    SignalLevel.rms($0) > 1000 && abs(FrequencyEstimator.dominantFrequency(in: $0) - 1000) < 30
                }
                #expect((35...55).contains(announcement.count), "announcement frames: \(announcement.count)")
                #expect(frames.count >= 150 + announcement.count, "music before it: \(frames.count) frames in all")

                let figures = try await stats(pbx)
                #expect(figures.today.overflowed == 1 && figures.today.answered == 0)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "300")
                #expect(cdr.path?.contains("play:closed") == true)
            }
        }

        /// A caller's phone that vanishes without a BYE while waiting: the queue's music goes on
        /// into the relay, but only the caller's RTP keeps the call up. Here the caller's 7 s
        /// recording ends and its phone sends nothing more; with a 4 s RTP timeout the engine
        /// ends the call (before, the music kept it up until the caller's sipp gave up, 25 s on).
        @Test("a waiting caller whose phone goes silent is ended by the RTP timeout, though the queue's music plays on")
        func silentWaitingCallerIsTimedOut() async throws {
            try await TestPBX.run(configure: { $0.rtpTimeout = 4 }) { pbx in
                try await setUp(pbx, agents: [], options: [])
                let caller = try pbx.phone(.callAwaitBye).service("300").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.run(caller, name: "caller").requireSuccess()  // it got the engine's BYE
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "300")
                #expect(cdr.disposition == .answered)
                #expect(cdr.cause == "rtp_timeout")
                #expect(cdr.hangupSide == .system)
                #expect(cdr.billableSeconds >= 7, "answered for \(cdr.billableSeconds) s, the caller's RTP lasting 7 s")
            }
        }

        @Test("a queue with its own music class: the waiting caller hears that music, not the default; the class cannot go while used")
        func queueMusicClass() async throws {
            try await TestPBX.run { pbx in
                let calm = pbx.scratch.file("calm.wav")
                try await Sox.sine(calm, rate: 16000, channels: 1, seconds: 2, frequency: 700, scratch: pbx.scratch)
                let made = try await pbx.cli.json(MusicInfo.self, ["moh", "set", calm.path, "--class", "calm"])
                #expect(made == MusicInfo(source: .custom, durationMilliseconds: 2000, musicClass: "calm"))
                let unknown = try await pbx.cli.run(["queue", "add", "sales", "--music", "jazz"])
                #expect(unknown.exitCode == 1 && unknown.stderr.contains("no music class jazz"), "\(unknown.summary)")
                try await setUp(pbx, agents: [], options: ["--max-wait", "2", "--music", "calm"])
                #expect(try await pbx.cli.json(QueueInfo.self, ["queue", "show", "sales"]).music == "calm")
                let inUse = try await pbx.cli.run(["moh", "reset", "--class", "calm"])
                #expect(inUse.exitCode == 1 && inUse.stderr.contains("conflict") && inUse.stderr.contains("sales"))
                let classes = try await pbx.cli.json([MusicInfo].self, ["moh", "list"])
                #expect(classes.map(\.musicClass) == ["default", "calm"])

                let ear = try RTPCapture()
                let caller = try pbx.phone(.callListen).service("300").caller(Fixture.caller)
                    .key("rtp_listen", String(ear.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.run(caller, name: "caller").requireSuccess()  // max wait, no overflow: busy, then BYE
                ear.stop()
                let samples = ear.receivedAudio
                let music = Array(samples.drop { abs(Int($0)) < 100 }.prefix(8000))  // past any leading silence
                #expect(music.count == 8000, "heard \(samples.count) samples")
                let frequency = FrequencyEstimator.dominantFrequency(in: music)
                #expect(abs(frequency - 700) < 5, "the caller heard \(frequency) Hz")

                try await pbx.cli.succeed(["queue", "set", "sales", "--music", "default"])
                #expect(try await pbx.cli.json(QueueInfo.self, ["queue", "show", "sales"]).music == nil)
                try await pbx.cli.succeed(["moh", "reset", "--class", "calm"])
                #expect(try await pbx.cli.json([MusicInfo].self, ["moh", "list"]).count == 1)
            }
        }

        @Test("a supervisor moves a waiting caller to another queue, then picks them up to an extension")
        func moveAndPickUp() async throws {
            try await TestPBX.run { pbx in
                let supervisorDesk = try SippPeer(.answerHangup).echoingRTP()
                try await setUp(pbx, agents: [], options: [])
                try await pbx.cli.succeed(["queue", "add", "support"])
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: supervisorDesk, number: Fixture.callee))
                let desk = try pbx.start(supervisorDesk, name: "supervisor")
                try await Task.sleep(for: .milliseconds(300))
                try await desk.requireListening()

                let caller = try pbx.start(
                    try pbx.phone(.callAwaitBye).service("300").caller(Fixture.caller)
                        .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller)),
                    name: "caller")
                let waiting = try await eventually("the caller waiting in sales") {
                    try await stats(pbx).waiting.first
                }
                try await pbx.cli.succeed(["queue", "move", waiting.callID, "--to", "support"])
                _ = try await eventually("the caller waiting in support") {
                    let list = try await pbx.cli.json([QueueStatsInfo].self, ["queue", "stats", "support"])
                    return list.first?.waiting.first { $0.callID == waiting.callID }
                }
                let unknown = try await pbx.cli.run(["queue", "move", "no-such-call", "--to", "sales"])
                #expect(unknown.exitCode == 1 && unknown.stderr.contains("not_found"))

                try await pbx.cli.succeed(["queue", "pickup", waiting.callID, "--to", Fixture.callee])
                // The supervisor's phone rang, answered and hung up after 5 s; the caller got the BYE.
                try await caller.finish().requireSuccess()
                try await desk.finish().requireSuccess()
                let sales = try await stats(pbx)
                #expect(sales.today.overflowed == 1 && sales.callsWaiting == 0)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "300")
                let path = cdr.path ?? []
                #expect(path.contains("queue:sales") && path.contains("queue:support") && path.last == "ext:1002")
            }
        }

        @Test("logged-in and paused agents stay so across an engine restart; a logged-out one stays out")
        func agentSessionsSurviveARestart() async throws {
            try await TestPBX.run { pbx in
                let desk = try SippPeer(.answer)
                try await setUp(pbx, agents: [("2001", "1002", desk)], options: [])
                try await pbx.cli.succeed(["agent", "add", "2002", "--name", "Nagy Béla"])
                try await pbx.cli.succeed(["queue", "member", "add", "sales", "2002"])
                try await pbx.cli.succeed(["agent", "login", "2002", "--at", "1002", "--queues", "sales"])
                try await pbx.cli.succeed(["agent", "pause", "2002", "--reason", "oktatás"])
                try await pbx.cli.succeed(["agent", "login", "2002", "--at", "1001", "--queues", "sales"])
                try await pbx.cli.succeed(["agent", "add", "2003", "--name", "Szabó Ilona"])
                try await pbx.cli.succeed(["queue", "member", "add", "sales", "2003"])
                try await pbx.cli.succeed(["agent", "login", "2003", "--at", "1002"])
                try await pbx.cli.succeed(["agent", "logout", "2003"])

                try await pbx.restart()
                let agents = try await eventually("the agents back") {
                    let list = try await pbx.cli.json([AgentStatusInfo].self, ["agent", "status"])
                    return list.count == 3 ? list : nil
                }
                let byNumber = Dictionary(uniqueKeysWithValues: agents.map { ($0.number, $0) })
                #expect(byNumber["2001"]?.state == "available" && byNumber["2001"]?.extensionNumber == "1002")
                // Moved to 1001 while paused: both remembered.
                #expect(byNumber["2002"]?.state == "paused" && byNumber["2002"]?.reason == "oktatás")
                #expect(byNumber["2002"]?.extensionNumber == "1001")
                #expect(byNumber["2003"]?.state == "logged-out" && byNumber["2003"]?.queues == ["sales"])
                let figures = try await stats(pbx)
                #expect(figures.agentsLoggedIn == 2 && figures.agentsPaused == 1)
            }
        }

        @Test("*45 from a phone: the agent types number and PIN and is logged in there; *45 again logs out")
        func agentLogsInFromThePhone() async throws {
            try await TestPBX.run { pbx in
                try await setUp(pbx, agents: [], options: [])
                try await pbx.addExtension(Fixture.callee, password: Fixture.password(Fixture.callee))
                try await pbx.cli.succeed(["agent", "add", "2001", "--name", "Kovács Éva", "--pin", "4711"])
                try await pbx.cli.succeed(["queue", "member", "add", "sales", "2001"])
                // Spoken answers take time, as real prompts do: the engine's BYE comes after the
                // caller's ACK.
                for prompt in ["agent-logged-in", "agent-logged-out"] {
                    try await Sox.sine(
                        URL(fileURLWithPath: pbx.options.promptsDirectory).appendingPathComponent("hu/\(prompt).wav"),
                        rate: 8000, channels: 1, seconds: 1, frequency: 700, scratch: pbx.scratch)
                }

                let login = try pbx.phone(.callAgentLogin).service("*45").caller(Fixture.callee)
                    .credentials(user: Fixture.callee, password: Fixture.password(Fixture.callee))
                try await pbx.run(login, name: "login").requireSuccess()  // keys typed, then the engine hung up
                let agents = try await pbx.cli.json([AgentStatusInfo].self, ["agent", "status"])
                #expect(agents.first?.state == "available" && agents.first?.extensionNumber == Fixture.callee)

                let logout = try pbx.phone(.callAwaitBye).service("*45").caller(Fixture.callee)
                    .credentials(user: Fixture.callee, password: Fixture.password(Fixture.callee))
                try await pbx.run(logout, name: "logout").requireSuccess()
                let after = try await pbx.cli.json([AgentStatusInfo].self, ["agent", "status"])
                #expect(after.first?.state == "logged-out")

                // A wrong PIN three times: refused, nobody logged in.
                try await pbx.cli.succeed(["agent", "set", "2001", "--pin", "9999"])
                try await pbx.run(login, name: "wrong-pin").requireSuccess()
                let refused = try await pbx.cli.json([AgentStatusInfo].self, ["agent", "status"])
                #expect(refused.first?.state == "logged-out")
            }
        }

        @Test("directed pickup: a call ringing at 1002 is picked up to 1003, whose phone rings and answers")
        func pickUpARingingCall() async throws {
            try await TestPBX.run { pbx in
                let ringing = try SippPeer(.ring)  // rings until cancelled
                let receptionist = try SippPeer(.answerHangup).echoingRTP()
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: ringing, number: Fixture.callee))
                try await pbx.addExtension("1003", password: Fixture.password("1003"), staticContact: pbx.contact(of: receptionist, number: "1003"))
                let ringingProcess = try pbx.start(ringing, name: "ringing")
                let receptionistProcess = try pbx.start(receptionist, name: "receptionist")
                try await Task.sleep(for: .milliseconds(300))
                try await ringingProcess.requireListening()
                try await receptionistProcess.requireListening()

                let caller = try pbx.start(
                    try pbx.phone(.callAwaitBye).service(Fixture.callee).caller(Fixture.caller)
                        .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller)),
                    name: "caller")
                let call = try await eventually("the call ringing") {
                    try await pbx.cli.json([CallInfo].self, ["call", "list"]).first { $0.state == .ringing }
                }
                try await pbx.cli.succeed(["call", "pickup", call.id, "--to", "1003"])
                try await ringingProcess.finish().requireSuccess()  // 1002 got its CANCEL
                try await receptionistProcess.finish().requireSuccess()  // 1003 rang, answered, hung up
                try await caller.finish().requireSuccess()  // the caller was connected, then got the BYE
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered && cdr.path?.last == "pickup:1003")
                let again = try await pbx.cli.run(["call", "pickup", call.id, "--to", "1003"])
                #expect(again.exitCode == 1 && again.stderr.contains("conflict"))
            }
        }

        @Test("a caller who hangs up while waiting counts as abandoned; a paused agent is not offered the call")
        func abandonedWhileAgentPaused() async throws {
            try await TestPBX.run { pbx in
                let desk = try SippPeer(.answer)
                try await setUp(pbx, agents: [("2001", "1002", desk)], options: ["--short-abandon", "2"])
                let paused = try await pbx.cli.json(AgentStatusInfo.self, ["agent", "pause", "2001", "--reason", "ebéd"])
                #expect(paused.state == "paused" && paused.reason == "ebéd")
                // call-hangup talks 5 s and hangs up: in the queue all that time, nobody offered.
                let caller = try pbx.phone(.callHangup).service("300").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.run(caller, name: "caller").requireSuccess()
                let figures = try await eventually("the abandon counted") {
                    let figures = try await stats(pbx)
                    return figures.today.abandoned == 1 ? figures : nil
                }
                #expect(figures.today.answered == 0 && figures.today.shortAbandoned == 0)
                #expect(figures.agentsPaused == 1)
                let unpaused = try await pbx.cli.json(AgentStatusInfo.self, ["agent", "unpause", "2001"])
                #expect(unpaused.state == "available")
                // A pause counts by its reason once it is over.
                let agents = try await pbx.cli.json([AgentStatusInfo].self, ["agent", "status"])
                #expect(agents.first?.pauses["ebéd"]?.count == 1)
                #expect((agents.first?.pauses["ebéd"]?.seconds ?? -1) >= 5)
            }
        }
    }
}
