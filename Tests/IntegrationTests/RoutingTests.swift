import Testing

extension Integration {
    /// Where an INVITE goes: registered contacts, static contacts, or a failure response.
    @Suite("Routing")
    struct RoutingTests {
        private func caller(_ pbx: TestPBX, _ scenario: Scenario, to number: String) async throws -> SippPeer {
            try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
            return try pbx.phone(scenario).service(number).caller(Fixture.caller)
                .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
        }

        @Test("unknown number: 404 Not Found")
        func unknownNumber() async throws {
            try await TestPBX.run { pbx in
                let phone = try await caller(pbx, .callExpectNotFound, to: "1999")
                try await pbx.run(phone, name: "caller").requireSuccess()
            }
        }

        @Test("known but unregistered extension without static contact: 480 Temporarily Unavailable")
        func unregistered() async throws {
            try await TestPBX.run { pbx in
                let phone = try await caller(pbx, .callExpectUnavailable, to: "1003")
                try await pbx.addExtension("1003", password: Fixture.password("1003"))
                try await pbx.run(phone, name: "caller").requireSuccess()
            }
        }

        @Test("a registered callee is reached at its REGISTERed contact")
        func registeredContact() async throws {
            try await TestPBX.run { pbx in
                let phone = try await caller(pbx, .callHangup, to: "1003")
                try await pbx.addExtension("1003", password: Fixture.password("1003"))
                // The callee phone registers from the port it then answers on: sipp cannot
                // take a new incoming call in a client scenario, so registering and answering
                // are two runs on one port, one after the other.
                let registering = try pbx.phone(.register).service("1003").credentials(
                    user: "1003", password: Fixture.password("1003"))
                try await pbx.run(registering, name: "callee-register").requireSuccess()
                try #require(try await pbx.registrations().contains { $0.extension == "1003" })
                let callee = try SippPeer(.answer, port: registering.port).echoingRTP()
                let (callerResult, calleeResult) = try await pbx.call(caller: phone, callee: callee)
                try callerResult.requireSuccess()
                try calleeResult.requireSuccess()
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "1003")
                #expect(cdr.disposition == .answered)
            }
        }
    }
}
