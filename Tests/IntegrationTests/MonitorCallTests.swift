import Foundation
import Testing
import VPBXControl
import VPBXMedia
import VPBXRTP

extension Integration {
    /// Listen, whisper and barge with real phones: 1001 (the customer) talks to 1002 (the
    /// agent); supervisor 1005 dials *2231002. Every phone's ear is a UDP socket the test reads
    /// and talks from: the customer sends 500 Hz, the agent 1000 Hz, the supervisor 1500 Hz,
    /// and the test checks which tones reach which ear. The supervisor's phone makes an offer,
    /// or makes none and answers the engine's in its ACK (a late offer).
    @Suite("Monitoring")
    struct MonitorCallTests {
        static let customerTone = 500.0
        static let agentTone = 1000.0
        static let supervisorTone = 1500.0
        static let supervisor = "1005"

        @Test(
            "whisper, then barge: who hears whom, checked on what each phone received; the call's end hangs up the supervisor",
            arguments: [Scenario.callListen, .callListenLateOffer])
        func whisperThenBarge(supervisorScenario: Scenario) async throws {
            try await TestPBX.run { pbx in
                let talk = try await TalkingCall.start(pbx, supervisorPhone: nil)
                let (customerEar, agentEar, supervisorEar, call) = (talk.customerEar, talk.agentEar, talk.supervisorEar, talk.call)
                let (customerProcess, agentProcess) = (talk.customerProcess, talk.agentProcess)

                // Not allowed yet: refused, and nobody listens.
                let refused = try pbx.phone(.callExpectForbidden).service("*2231002").caller(Self.supervisor)
                    .credentials(user: Self.supervisor, password: Fixture.password(Self.supervisor))
                try await pbx.run(refused, name: "refused").requireSuccess()
                #expect(try await pbx.cli.json([MonitorInfo].self, ["monitor", "list"]).isEmpty)
                try await pbx.cli.succeed(["ext", "set", Self.supervisor, "--monitor", "allow"])

                let supervisor = try pbx.phone(supervisorScenario).service("*2231002").caller(Self.supervisor)
                    .key("rtp_listen", String(supervisorEar.port))
                    .credentials(user: Self.supervisor, password: Fixture.password(Self.supervisor))
                let supervisorProcess = try pbx.start(supervisor, name: "supervisor")
                let monitor = try await eventually("the supervisor on the call") {
                    try await pbx.cli.json([MonitorInfo].self, ["monitor", "list"]).first
                }
                #expect(monitor.mode == .whisper && monitor.extension == "1002" && monitor.supervisor == Self.supervisor)
                #expect(monitor.call == call.id)
                // The supervisor's phone answers whoever sends it media: the monitor's port.
                supervisorEar.talk(frequency: Self.supervisorTone)

                let whisperStart = Marks(customerEar, agentEar, supervisorEar)
                let countedAtStart = await Self.relayCounters(pbx)
                try await Task.sleep(for: .seconds(2))
                let whisperEnd = Marks(customerEar, agentEar, supervisorEar)
                let countedAtEnd = await Self.relayCounters(pbx)
                let barged = try await pbx.cli.json(MonitorInfo.self, ["monitor", "mode", monitor.id, "barge"])
                #expect(barged.mode == .barge)
                let bargeStart = Marks(customerEar, agentEar, supervisorEar)
                try await Task.sleep(for: .seconds(2))
                let bargeEnd = Marks(customerEar, agentEar, supervisorEar)

                try await pbx.cli.succeed(["call", "hangup", call.id])
                let customerResult = await customerProcess.finish()
                let agentResult = await agentProcess.finish()
                let supervisorResult = await supervisorProcess.finish()
                for ear in [customerEar, agentEar, supervisorEar] { ear.stop() }
                try customerResult.requireSuccess()
                try agentResult.requireSuccess()
                try supervisorResult.requireSuccess()  // it got the engine's BYE when the call ended

                // Whisper: the supervisor hears both; the agent hears customer and supervisor; the
                // customer hears only the agent.
                let heardBySupervisor = Heard(supervisorEar, from: whisperStart.supervisor, to: whisperEnd.supervisor)
                #expect(heardBySupervisor.has(Self.customerTone) && heardBySupervisor.has(Self.agentTone), "\(heardBySupervisor)")
                #expect(!heardBySupervisor.has(Self.supervisorTone), "\(heardBySupervisor)")
                let agentWhisper = Heard(agentEar, from: whisperStart.agent, to: whisperEnd.agent)
                #expect(agentWhisper.has(Self.customerTone) && agentWhisper.has(Self.supervisorTone), "\(agentWhisper)")
                #expect(!agentWhisper.has(Self.agentTone), "\(agentWhisper)")
                let customerWhisper = Heard(customerEar, from: whisperStart.customer, to: whisperEnd.customer)
                #expect(customerWhisper.has(Self.agentTone), "\(customerWhisper)")
                #expect(!customerWhisper.has(Self.supervisorTone), "the customer heard the whisper: \(customerWhisper)")
                // Barge: the customer hears the supervisor too.
                // A silent ear once failed this test in CI (stop 58) and never again: say whether the
                // engine sent nothing or what it sent went astray.
                let silent = agentWhisper.samples.isEmpty || customerWhisper.samples.isEmpty
                let diagnosis = silent
                    ? """
                    relay during the whisper: \(countedAtStart) -> \(countedAtEnd); first sources: customer \
                    \(customerEar.firstSource.map(String.init) ?? "-"), agent \(agentEar.firstSource.map(String.init) ?? "-"), \
                    supervisor \(supervisorEar.firstSource.map(String.init) ?? "-")
                    \(pbx.engine.logTail(lines: 40))
                    """ : ""
                #expect(!silent, "\(diagnosis)")
                let customerBarge = Heard(customerEar, from: bargeStart.customer, to: bargeEnd.customer)
                #expect(customerBarge.has(Self.agentTone) && customerBarge.has(Self.supervisorTone), "\(customerBarge)")
                let agentBarge = Heard(agentEar, from: bargeStart.agent, to: bargeEnd.agent)
                #expect(agentBarge.has(Self.customerTone) && agentBarge.has(Self.supervisorTone), "\(agentBarge)")

                #expect(try await pbx.cli.json([MonitorInfo].self, ["monitor", "list"]).isEmpty)
                let legs = try await eventually("the supervisor's CDR") {
                    try await pbx.cdrs().first { $0.caller == Self.supervisor && $0.disposition == .answered }
                }
                #expect(legs.callee == "*2231002" && legs.path?.last == "monitor:whisper:1002")
            }
        }

        /// Each leg's port and the relay's packet counters, as `call list` shows them.
        static func relayCounters(_ pbx: TestPBX) async -> String {
            guard let calls = try? await pbx.cli.json([CallInfo].self, ["call", "list"]) else { return "(no call list)" }
            return calls.flatMap { $0.legs ?? [] }.map { leg in
                "\(leg.party)@\(leg.mediaPort.map(String.init) ?? "-") in \(leg.rtpPacketsIn ?? 0) out \(leg.rtpPacketsOut ?? 0)"
            }.joined(separator: ", ")
        }

        @Test("vpbx monitor start rings the supervisor's phone; answered, it listens; monitor stop hangs it up and the call goes on")
        func startFromTheConsole() async throws {
            try await TestPBX.run { pbx in
                let supervisorEar = try RTPCapture()
                let supervisorPhone = try SippPeer(.answerListen).key("rtp_listen", String(supervisorEar.port))
                let talk = try await TalkingCall.start(pbx, supervisorPhone: supervisorPhone, supervisorEar: supervisorEar)
                let (customerEar, agentEar, call) = (talk.customerEar, talk.agentEar, talk.call)
                let (customerProcess, agentProcess) = (talk.customerProcess, talk.agentProcess)
                let supervisorProcess = try #require(talk.supervisorProcess)
                try await pbx.cli.succeed(["ext", "set", Self.supervisor, "--monitor", "allow"])

                let started = try await pbx.cli.json(
                    MonitorInfo.self, ["monitor", "start", Fixture.callee, "--from", Self.supervisor])
                #expect(started.mode == .listen && started.state == "ringing")
                let active = try await eventually("the supervisor's phone answered") {
                    try await pbx.cli.json([MonitorInfo].self, ["monitor", "list"]).first { $0.state == "active" }
                }
                supervisorEar.talk(frequency: Self.supervisorTone)
                let start = Marks(customerEar, agentEar, supervisorEar)
                try await Task.sleep(for: .seconds(2))
                let end = Marks(customerEar, agentEar, supervisorEar)
                try await pbx.cli.succeed(["monitor", "stop", active.id])
                let supervisorResult = await supervisorProcess.finish()
                try supervisorResult.requireSuccess()  // answered, then got the engine's BYE
                #expect(try await pbx.cli.json([CallInfo].self, ["call", "list"]).count == 1, "the call goes on")

                try await pbx.cli.succeed(["call", "hangup", call.id])
                let customerResult = await customerProcess.finish()
                let agentResult = await agentProcess.finish()
                for ear in [customerEar, agentEar, supervisorEar] { ear.stop() }
                try customerResult.requireSuccess()
                try agentResult.requireSuccess()

                let heard = Heard(supervisorEar, from: start.supervisor, to: end.supervisor)
                #expect(heard.has(Self.customerTone) && heard.has(Self.agentTone), "\(heard)")
                let agentHeard = Heard(agentEar, from: start.agent, to: end.agent)
                let customerHeard = Heard(customerEar, from: start.customer, to: end.customer)
                #expect(agentHeard.has(Self.customerTone) && !agentHeard.has(Self.supervisorTone), "\(agentHeard)")
                #expect(customerHeard.has(Self.agentTone) && !customerHeard.has(Self.supervisorTone), "\(customerHeard)")
            }
        }

        /// 1001 (the customer) in an answered call with 1002 (the agent, a sipp phone), both ears
        /// talking their tones; 1005 exists, as a sipp phone too when `supervisorPhone` is given.
        struct TalkingCall {
            let customerEar: RTPCapture
            let agentEar: RTPCapture
            let supervisorEar: RTPCapture
            let customerProcess: SippProcess
            let agentProcess: SippProcess
            let supervisorProcess: SippProcess?
            let call: CallInfo

            static func start(_ pbx: TestPBX, supervisorPhone: SippPeer?, supervisorEar: RTPCapture? = nil) async throws
                -> TalkingCall
            {
                let customerEar = try RTPCapture()
                let agentEar = try RTPCapture()
                let agentPhone = try SippPeer(.answerListen).key("rtp_listen", String(agentEar.port))
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: agentPhone, number: Fixture.callee))
                try await pbx.addExtension(
                    supervisor, password: Fixture.password(supervisor),
                    staticContact: supervisorPhone.map { pbx.contact(of: $0, number: supervisor) })
                let agentProcess = try pbx.start(agentPhone, name: "agent")
                let supervisorProcess = try supervisorPhone.map { try pbx.start($0, name: "supervisor") }
                try await Task.sleep(for: .milliseconds(300))
                try await agentProcess.requireListening()
                try await supervisorProcess?.requireListening()
                let customer = try pbx.phone(.callListen).service(Fixture.callee).caller(Fixture.caller)
                    .key("rtp_listen", String(customerEar.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let customerProcess = try pbx.start(customer, name: "customer")
                let call = try await eventually("the call answered, its media anchored") {
                    let calls = try await pbx.cli.json([CallInfo].self, ["call", "list"])
                    return calls.first { call in
                        call.state == .answered && (call.legs ?? []).count == 2 && call.legs!.allSatisfy { $0.mediaPort != nil }
                    }
                }
                customerEar.talk(frequency: customerTone, to: UInt16(call.legs![0].mediaPort!))
                agentEar.talk(frequency: agentTone, to: UInt16(call.legs![1].mediaPort!))
                return TalkingCall(
                    customerEar: customerEar, agentEar: agentEar, supervisorEar: try supervisorEar ?? RTPCapture(),
                    customerProcess: customerProcess, agentProcess: agentProcess, supervisorProcess: supervisorProcess,
                    call: call)
            }
        }

        /// How many packets each ear had received at one moment.
        struct Marks {
            let customer: Int
            let agent: Int
            let supervisor: Int

            init(_ customer: RTPCapture, _ agent: RTPCapture, _ supervisor: RTPCapture) {
                self.customer = customer.received.count
                self.agent = agent.received.count
                self.supervisor = supervisor.received.count
            }
        }

        /// The audio an ear received between two marks, minus the first 0.5 s (a mode switch
        /// settles, the mix's buffers fill).
        struct Heard: CustomStringConvertible {
            let samples: [Int16]

            init(_ ear: RTPCapture, from start: Int, to end: Int) {
                let packets = ear.received
                let range = min(start + 25, end)..<min(end, packets.count)
                samples = packets[range].flatMap { packet -> [Int16] in
                    guard let header = packet.withUnsafeBytes({ RTPHeader(bytes: $0) }),
                        let law: G711.Law = header.payloadType == 8 ? .alaw : header.payloadType == 0 ? .ulaw : nil
                    else { return [] }
                    return packet[header.payloadOffset..<(header.payloadOffset + header.payloadLength)].map { law.decode($0) }
                }
            }

            /// Tones are sent at 6000 peak; a tone nobody mixed in stays far below 1500.
            func has(_ frequency: Double) -> Bool {
                samples.count >= 4000 && Goertzel.amplitude(of: frequency, in: samples) > 1500
            }

            var description: String {
                let levels = [500.0, 1000, 1500].map { "\(Int($0)) Hz: \(Int(Goertzel.amplitude(of: $0, in: samples)))" }
                return "\(samples.count) samples, " + levels.joined(separator: ", ")
            }
        }
    }
}
