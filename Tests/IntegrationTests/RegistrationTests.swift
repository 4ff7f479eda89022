import Testing
import VPBXControl

extension Integration {
    /// REGISTER with digest authentication, and what the registrar keeps.
    @Suite("Registration")
    struct RegistrationTests {
        @Test("REGISTER is challenged with 401, accepted with the right password, listed by vpbx reg list")
        func registerWithDigest() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension("1001", password: Fixture.password("1001"))
                let phone = try pbx.phone(.register).service("1001").credentials(
                    user: "1001", password: Fixture.password("1001"))
                let result = try await pbx.run(phone, name: "phone")
                try result.requireSuccess()
                let challenge = try #require(
                    result.receivedMessages().first { $0.hasPrefix("SIP/2.0 401") },
                    "the REGISTER was not challenged with 401")
                #expect(challenge.contains("realm=\"vpbx\""))
                let registrations = try await pbx.registrations()
                let registration = try #require(
                    registrations.first { $0.extension == "1001" }, "1001 not in \(registrations)")
                #expect(registration.contact.contains("127.0.0.1:\(phone.port)"))
                #expect(registration.transport.lowercased() == "udp")
                #expect(registration.expiresIn > 0)
            }
        }

        /// RFC 3261 §10.3 step 7 with §19.1.4's URI equality: one contact written three ways
        /// is one binding (the scenario checks each 200's Contacts).
        @Test("a contact registered again with parameters reordered and in other letters refreshes its one binding; a third spelling unregisters it")
        func respelledContactIsOneBinding() async throws {
            try await playsThroughAndUnregisters(.registerRespelled)
        }

        /// RFC 5626 §6: the binding belongs to the device's `+sip.instance`, so a phone back
        /// from a new address replaces it (the scenario checks each 200's Contacts).
        @Test("a phone registering from a new address under its +sip.instance replaces its binding; an unregister naming the instance removes it")
        func instanceMovesTheBinding() async throws {
            try await playsThroughAndUnregisters(.registerInstanceMoved)
        }

        /// Runs a registering `scenario` of 1001 (which checks the 200s itself and ends with
        /// an unregister) and requires that nothing of 1001 stays registered.
        private func playsThroughAndUnregisters(_ scenario: Scenario) async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension("1001", password: Fixture.password("1001"))
                let phone = try pbx.phone(scenario).service("1001").credentials(
                    user: "1001", password: Fixture.password("1001"))
                try await pbx.run(phone, name: "phone").requireSuccess()
                let registrations = try await pbx.registrations()
                #expect(!registrations.contains { $0.extension == "1001" }, "left registered: \(registrations)")
            }
        }

        /// RFC 3327 against sipp: a REGISTER that came through a proxy names it in Path; the
        /// engine gives the Path back in its 200 and puts it as the Route of the INVITE to the
        /// contact (both checked by the scenarios). The answering sipp takes the registering
        /// one's port, where the engine sends.
        @Test("a registration's Path is given back and becomes the Route of the call to the contact")
        func pathIsTheRouteToTheContact() async throws {
            try await TestPBX.run { pbx in
                for number in [Fixture.caller, Fixture.callee] {
                    try await pbx.addExtension(number, password: Fixture.password(number))
                }
                let registering = try pbx.phone(.registerPath).service(Fixture.callee).credentials(
                    user: Fixture.callee, password: Fixture.password(Fixture.callee))
                try await pbx.run(registering, name: "register").requireSuccess()
                let callee = try SippPeer(.answerRouted, port: registering.port)
                let caller = try pbx.phone(.callHangup).service(Fixture.callee).caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let (callerResult, calleeResult) = try await pbx.call(caller: caller, callee: callee)
                try callerResult.requireSuccess()
                try calleeResult.requireSuccess()
            }
        }

        @Test("a phone subscribes to its mailbox (message-summary): challenged, NOTIFY with no messages, unsubscribed")
        func messageWaitingSubscription() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension("1001", password: Fixture.password("1001"))
                let phone = try pbx.phone(.subscribeMWI).service("1001").credentials(
                    user: "1001", password: Fixture.password("1001"))
                try await pbx.run(phone, name: "mwi").requireSuccess()
            }
        }

        @Test("REGISTER with a wrong password gets 403 Forbidden and registers nothing")
        func wrongPassword() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension("1001", password: Fixture.password("1001"))
                let phone = try pbx.phone(.registerForbidden).service("1001").credentials(
                    user: "1001", password: "wrong")
                try await pbx.run(phone, name: "phone").requireSuccess()
                #expect(try await pbx.registrations().isEmpty)
            }
        }

        @Test("repeated wrong passwords ban the source: vpbx ban list shows it, status counts it, vpbx ban remove lifts it")
        func repeatedFailuresBan() async throws {
            try await TestPBX.run(configure: { $0.authFailLimit = 2 }) { pbx in
                try await pbx.addExtension("1001", password: Fixture.password("1001"))
                for attempt in 1...2 {
                    let guesser = try pbx.phone(.registerForbidden).service("1001").credentials(
                        user: "1001", password: "guess-\(attempt)")
                    try await pbx.run(guesser, name: "guess-\(attempt)").requireSuccess()
                }
                let bans = try await pbx.cli.json([BanInfo].self, ["ban", "list"])
                #expect(bans.map(\.source) == ["127.0.0.1"])
                #expect(bans.first?.failures == 2)
                let status = try await pbx.cli.json(StatusReport.self, ["status"]).status
                #expect(status.authenticationFailures == 2)
                #expect(status.bannedSources == 1)

                let notBanned = try await pbx.cli.run(["ban", "remove", "192.0.2.1"])
                #expect(notBanned.exitCode == 1, "\(notBanned.summary)")
                try await pbx.cli.succeed(["ban", "remove", "127.0.0.1"])
                #expect(try await pbx.cli.json([BanInfo].self, ["ban", "list"]).isEmpty)
                let phone = try pbx.phone(.register).service("1001").credentials(
                    user: "1001", password: Fixture.password("1001"))
                try await pbx.run(phone, name: "phone").requireSuccess()
                #expect(try await pbx.registrations().count == 1)
            }
        }

        /// `--source-rate-limit` against sipp: a burst of OPTIONS from one untrusted address,
        /// far beyond the limit, is mostly dropped and counted, and the engine answers again
        /// the moment the burst is over.
        @Test("a burst from one untrusted source beyond --source-rate-limit is dropped and counted; the engine answers afterwards")
        func floodIsRateLimited() async throws {
            try await TestPBX.run(configure: { $0.sourceRateLimit = 10 }) { pbx in
                var flood = try pbx.phone(.options)
                flood.calls = 60
                flood.timeoutSeconds = 20
                flood.options += ["-r", "100"]  // 60 OPTIONS within about 0.6 s: one or two windows
                _ = await (try pbx.start(flood, name: "flood")).finish()  // some never answered: sipp fails
                let status = try await pbx.cli.json(StatusReport.self, ["status"]).status
                let limited = try #require(status.requestsRateLimited)
                #expect(limited >= 40, "only \(limited) requests dropped from a burst of 60 at a limit of 10/s")
                try await Task.sleep(for: .seconds(1.1))
                try await pbx.run(try pbx.phone(.options), name: "probe").requireSuccess()
            }
        }

        @Test("trusted sources are not challenged (REGISTER and INVITE pass with a wrong password)")
        func trustedSource() async throws {
            try await TestPBX.run(trusted: ["127.0.0.0/8"]) { pbx in
                let callee = try SippPeer(.answer).echoingRTP()
                try await pbx.addExtension("1001", password: Fixture.password("1001"))
                try await pbx.addExtension(
                    "1002", password: Fixture.password("1002"), staticContact: pbx.contact(of: callee, number: "1002"))
                // Both scenarios answer a challenge, with this wrong password: they only succeed unchallenged.
                let phone = try pbx.phone(.register).service("1001").credentials(user: "1001", password: "wrong")
                let registered = try await pbx.run(phone, name: "phone")
                try registered.requireSuccess()
                #expect(!registered.receivedMessages().contains { $0.hasPrefix("SIP/2.0 401") })
                let caller = try pbx.phone(.callHangup).service("1002").caller("1001").credentials(
                    user: "1001", password: "wrong")
                let (callerResult, calleeResult) = try await pbx.call(caller: caller, callee: callee)
                try callerResult.requireSuccess()
                try calleeResult.requireSuccess()
                #expect(!callerResult.receivedMessages().contains { $0.hasPrefix("SIP/2.0 407") })
            }
        }

        @Test("registrations and extensions survive an engine restart (SIGTERM exits 0)")
        func restartKeepsState() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension("1001", password: Fixture.password("1001"))
                let phone = try pbx.phone(.register).service("1001").credentials(
                    user: "1001", password: Fixture.password("1001"))
                try await pbx.run(phone, name: "phone").requireSuccess()
                try #require(try await pbx.registrations().contains { $0.extension == "1001" })
                try await pbx.restart()
                #expect(try await pbx.extensions().contains { $0.number == "1001" })
                let registrations = try await pbx.registrations()
                let registration = try #require(
                    registrations.first { $0.extension == "1001" },
                    "1001's registration was lost in the restart: \(registrations)")
                #expect(registration.contact.contains("127.0.0.1:\(phone.port)"))
            }
        }
    }
}
