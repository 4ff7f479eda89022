import Testing
import VPBXControl

extension Integration {
    /// `--max-calls`, and an RTP range with ports for one call: the engine refuses calls beyond
    /// either with 503 before any challenge, leaves the call in progress alone, and reports
    /// the refusal in `vpbx status`.
    @Suite("Call admission")
    struct AdmissionTests {
        /// A first call (answered, held 5 s) goes up; a second caller, without credentials,
        /// must get 503 while it is up; the first then completes. The callers' and callee's
        /// sipp scenarios check the messages.
        static func secondCallRefusedWhileTheFirstIsUp(_ pbx: TestPBX) async throws {
            try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
            let callee = try SippPeer(.answer).echoingRTP()
            try await pbx.addExtension(
                Fixture.callee, password: Fixture.password(Fixture.callee),
                staticContact: pbx.contact(of: callee, number: Fixture.callee))
            let first = try pbx.phone(.callHangup).service(Fixture.callee).caller(Fixture.caller)
                .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
            let calleeProcess = try pbx.start(callee, name: "callee")
            try await Task.sleep(for: .milliseconds(300))
            try await calleeProcess.requireListening()
            let firstProcess = try pbx.start(first, name: "first-caller")
            // The first call holds for 5 s; try the second once it is up.
            try await eventually("the first call to be up", timeout: .seconds(10)) {
                guard firstProcess.isRunning else { throw StopWaiting(reason: "the first caller's sipp has ended") }
                return try await pbx.liveCalls().count == 1 ? true : nil
            }
            let second = try pbx.phone(.callExpectServiceUnavailable).service(Fixture.callee).caller(Fixture.caller)
            try await pbx.run(second, name: "second-caller").requireSuccess()
            #expect(try await pbx.liveCalls().count == 1, "the refusal must not touch the call in progress")
            try await firstProcess.finish().requireSuccess()
            try await calleeProcess.finish().requireSuccess()
        }

        @Test("--max-calls 1: a second call gets 503 while the first is up, which completes; vpbx status counts it")
        func callLimit() async throws {
            try await TestPBX.run(configure: { $0.maxCalls = 1 }) { pbx in
                try await Self.secondCallRefusedWhileTheFirstIsUp(pbx)
                let status = try await pbx.cli.json(StatusReport.self, ["status"]).status
                #expect(status.maximumCalls == 1)
                #expect(status.callsRefusedAtLimit == 1)
                #expect(status.callsRefusedOverloaded == 0)
                #expect(status.overloaded == false)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered, "the admitted call completes normally")
            }
        }

        @Test("RTP ports for one call: a second call gets 503 No Media Ports at once while the first is up; vpbx status counts it")
        func noMediaPorts() async throws {
            try await TestPBX.run(configure: { options in
                // Two port pairs from an even port: the A and B sides of exactly one call.
                let base = options.rtpPorts.lowerBound + options.rtpPorts.lowerBound % 2
                options.rtpPorts = base...(base + 3)
            }) { pbx in
                try await Self.secondCallRefusedWhileTheFirstIsUp(pbx)
                let status = try await pbx.cli.json(StatusReport.self, ["status"]).status
                #expect(status.callsRefusedNoMediaPorts == 1)
                #expect(status.callsRefusedAtLimit == 0 && status.callsRefusedOverloaded == 0)
                let text = try await pbx.cli.run(["status"], json: false)
                #expect(text.succeeded && text.stdout.contains("0 at the call limit, 0 overloaded, 1 without media ports"), "\(text.summary)")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered, "the admitted call completes normally")

                // The ended call's sockets stay bound for the next call, which takes them:
                // parking the range's only session must not leave it without ports.
                let parked = try await eventually("the ended call's sockets to be parked", timeout: .seconds(10)) {
                    let status = try await pbx.cli.json(StatusReport.self, ["status"]).status
                    return status.rtpSocketSetsParked == 1 ? status : nil
                }
                #expect(parked.rtpPortPairs == 2 && parked.rtpPortPairsInUse == 2)
                // Read from /proc/net/udp for the engine's own SIP sockets: nil would mean the
                // table or the sockets were not found; a handful of calls drop nothing.
                #expect(parked.sipDatagramsDropped == 0)
                let parkedText = try await pbx.cli.run(["status"], json: false)
                #expect(
                    parkedText.stdout.contains("2 of 2 pairs taken: 0 by calls, 2 kept bound for the next calls"),
                    "\(parkedText.summary)")
                try await Self.oneMoreCall(pbx)
                let after = try await pbx.cli.json(StatusReport.self, ["status"]).status
                #expect(after.callsRefusedNoMediaPorts == 1, "the third call was admitted")
            }
        }

        /// One more call from the caller to the callee of ``secondCallRefusedWhileTheFirstIsUp(_:)``,
        /// answered and hung up (the callee on a new sipp, its static contact moved there).
        static func oneMoreCall(_ pbx: TestPBX) async throws {
            let callee = try SippPeer(.answer).echoingRTP()
            try await pbx.cli.succeed(["ext", "set", Fixture.callee, "--static-contact", pbx.contact(of: callee, number: Fixture.callee)])
            let calleeProcess = try pbx.start(callee, name: "callee-again")
            try await Task.sleep(for: .milliseconds(300))
            try await calleeProcess.requireListening()
            let caller = try pbx.phone(.callHangup).service(Fixture.callee).caller(Fixture.caller)
                .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
            try await pbx.run(caller, name: "third-caller").requireSuccess()
            try await calleeProcess.finish().requireSuccess()
        }
    }
}
