import Testing

extension Integration {
    /// The same phone features over TCP: RFC 3261 requires both transports, and softphones
    /// behind NAT often prefer TCP.
    @Suite("TCP")
    struct TCPTests {
        @Test("REGISTER over TCP: challenged, accepted, listed with transport tcp")
        func register() async throws {
            try await TestPBX.run { pbx in
                try await pbx.addExtension("1001", password: Fixture.password("1001"))
                let phone = try pbx.phone(.register).overTCP().service("1001").credentials(
                    user: "1001", password: Fixture.password("1001"))
                let result = try await pbx.run(phone, name: "tcp-phone")
                try result.requireSuccess()
                #expect(result.receivedMessages().contains { $0.hasPrefix("SIP/2.0 401") })
                let registration = try #require(try await pbx.registrations().first { $0.extension == "1001" })
                #expect(registration.transport.lowercased() == "tcp")
            }
        }

        @Test("a caller on TCP reaches a callee on UDP: 407, answer, BYE, CDR answered")
        func callFromTCPToUDP() async throws {
            try await TestPBX.run { pbx in
                let callee = try SippPeer(.answer).echoingRTP()
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: callee, number: Fixture.callee))
                let caller = try pbx.phone(.callHangup).overTCP().service(Fixture.callee).caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let (callerResult, calleeResult) = try await pbx.call(caller: caller, callee: callee)
                try callerResult.requireSuccess()
                try calleeResult.requireSuccess()
                #expect(callerResult.receivedMessages().contains { $0.hasPrefix("SIP/2.0 407") })
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
            }
        }
    }
}
