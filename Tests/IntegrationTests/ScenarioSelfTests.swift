import Testing

extension Integration {
    /// The scenarios against each other or against stand-in peers, without an engine, so that
    /// a broken scenario shows up as such and not as an engine bug.
    @Suite("Scenarios sipp-to-sipp")
    struct ScenarioSelfTests {
        /// Runs `uas` then `uac` against it; both must succeed.
        private func pair(_ uas: SippPeer, _ uac: (String) throws -> SippPeer) async throws {
            let scratch = try ScratchDirectory()
            let server = try SippProcess(uas, name: "uas", scratch: scratch)
            try await Task.sleep(for: .milliseconds(300))
            try await server.requireListening()
            let client = try await SippProcess.run(try uac("127.0.0.1:\(uas.port)"), name: "uac", scratch: scratch)
            let serverResult = await server.finish()
            try client.requireSuccess()
            try serverResult.requireSuccess()
            scratch.remove()
        }

        private func registrar() throws -> SippPeer {
            try SippPeer(.selftestRegistrar).key("user", "1001").key("password", "right")
        }

        @Test("register answers a 401 with a valid digest")
        func register() async throws {
            try await pair(try registrar()) {
                try SippPeer(.register, remote: $0).service("1001").credentials(user: "1001", password: "right")
            }
        }

        @Test("register-forbidden expects the 403 that a wrong password earns")
        func registerForbidden() async throws {
            try await pair(try registrar()) {
                try SippPeer(.registerForbidden, remote: $0).service("1001").credentials(
                    user: "1001", password: "wrong")
            }
        }

        @Test("call-hangup answers a 407, talks and hangs up")
        func callHangupWithChallenge() async throws {
            try await pair(try SippPeer(.selftestChallenge).echoingRTP()) {
                try SippPeer(.callHangup, remote: $0).service("1002").caller("1001").credentials(
                    user: "1001", password: "pw")
            }
        }

        @Test("call-hangup against answer (no challenge)")
        func callHangup() async throws {
            try await pair(try SippPeer(.answer).echoingRTP()) {
                try SippPeer(.callHangup, remote: $0).service("1002").caller("1001")
            }
        }

        @Test("call-await-bye against answer-hangup")
        func callAwaitBye() async throws {
            try await pair(try SippPeer(.answerHangup).echoingRTP()) {
                try SippPeer(.callAwaitBye, remote: $0).service("1002").caller("1001")
            }
        }

        @Test("call-listen-alaw against answer-mulaw-hangup")
        func aLawCallerMuLawCallee() async throws {
            try await pair(try SippPeer(.answerMuLawHangup).key("rtp_listen", "0")) {
                try SippPeer(.callListenALaw, remote: $0).service("1002").caller("1001").key("rtp_listen", "0")
            }
        }

        @Test("call-expect-busy against busy")
        func busy() async throws {
            try await pair(try SippPeer(.busy)) {
                try SippPeer(.callExpectBusy, remote: $0).service("1002").caller("1001")
            }
        }

        @Test("call-expect-not-found against a 404 peer")
        func notFound() async throws {
            try await pair(try SippPeer(.selftestNotFound)) {
                try SippPeer(.callExpectNotFound, remote: $0).service("1999").caller("1001")
            }
        }

        @Test("call-expect-unavailable against a 480 peer")
        func unavailable() async throws {
            try await pair(try SippPeer(.selftestUnavailable)) {
                try SippPeer(.callExpectUnavailable, remote: $0).service("1003").caller("1001")
            }
        }

        @Test("call-cancel against ring")
        func cancel() async throws {
            try await pair(try SippPeer(.ring)) { try SippPeer(.callCancel, remote: $0).service("1002").caller("1001") }
        }

        @Test("options against a 200 peer")
        func options() async throws {
            try await pair(try SippPeer(.selftestOptionsOK)) { try SippPeer(.options, remote: $0) }
        }

        @Test("a caller expecting 404 fails against a busy peer (the harness sees failures)")
        func mismatchFails() async throws {
            let scratch = try ScratchDirectory()
            let uas = try SippPeer(.busy)
            let server = try SippProcess(uas, name: "uas", scratch: scratch)
            try await Task.sleep(for: .milliseconds(300))
            var caller = try SippPeer(.callExpectNotFound, remote: "127.0.0.1:\(uas.port)").service("1002").caller(
                "1001")
            caller.timeoutSeconds = 10
            let result = try await SippProcess.run(caller, name: "uac", scratch: scratch)
            await server.kill()
            #expect(!result.succeeded)
            #expect(result.report.contains("486"))
            scratch.remove()
        }
    }
}
