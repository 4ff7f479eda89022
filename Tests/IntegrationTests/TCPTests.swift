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

        /// Behind NAT a phone's TCP connection can break without a close reaching the engine,
        /// and the phone registers again on a new one. The engine holds a registered phone's
        /// connection open however idle (calls reach the phone only through it); the old one
        /// must then be let go, not held for the rest of the registration's hour.
        @Test("the same contact registered again on a new TCP connection: the old one closes once idle, the new one is held")
        func registeringAgainOnANewConnection() async throws {
            try await TestPBX.run(configure: {
                $0.trusted = ["127.0.0.0/8"]
                $0.tcpIdleTimeout = 1
            }) { pbx in
                try await pbx.addExtension("1001", password: Fixture.password("1001"))
                let first = try TCPClient(port: pbx.options.sipPort)
                try first.send(Self.register("1001", from: first.localPort, callID: "first"))
                #expect(try first.readHeaders().hasPrefix("SIP/2.0 200"))
                #expect(!first.closedByPeer(within: .seconds(3)), "the registered connection was closed for idleness")

                let second = try TCPClient(port: pbx.options.sipPort)
                try second.send(Self.register("1001", from: second.localPort, callID: "second"))
                #expect(try second.readHeaders().hasPrefix("SIP/2.0 200"))
                #expect(first.closedByPeer(within: .seconds(10)), "the replaced connection is still open")
                #expect(!second.closedByPeer(within: .seconds(3)), "the new registration's connection was closed")
                let registrations = try await pbx.registrations().filter { $0.extension == "1001" }
                #expect(registrations.count == 1, "\(registrations)")
            }
        }

        /// Calls reach a TCP phone through the connection it registered on; an engine restart
        /// closes that connection, and the phone's registration, which survives, is then
        /// reached at its Contact over a new connection (RFC 3261 §18.1.1: a phone listens
        /// there), not at the ephemeral port its old connection came from.
        @Test("a phone registered over TCP is called on its connection, and after an engine restart at its Contact")
        func calledOnItsConnectionThenAtItsContactAfterARestart() async throws {
            try await TestPBX.run(configure: { $0.trusted = ["127.0.0.0/8"] }) { pbx in
                let listening = try SippPeer(.answer).overTCP().echoingRTP()
                let contact = "sip:\(Fixture.callee)@127.0.0.1:\(listening.port);transport=tcp"
                let connection = try await Self.calleeRegisteredOnRawConnection(pbx, contact: contact)

                let busyCaller = try pbx.phone(.callExpectBusy).service(Fixture.callee).caller(Fixture.caller)
                let busyCall = try pbx.start(busyCaller, name: "busy-caller")
                let invite = try connection.readHeaders(timeout: .seconds(10))
                #expect(invite.hasPrefix("INVITE \(contact) SIP/2.0"), "\(invite)")
                try connection.send(Self.busy(answering: invite))
                try (await busyCall.finish()).requireSuccess()

                try await pbx.restart()
                #expect(try await pbx.registrations().contains { $0.extension == Fixture.callee && $0.contact.contains(contact) })
                let caller = try pbx.phone(.callHangup).service(Fixture.callee).caller(Fixture.caller)
                let (callerResult, calleeResult) = try await pbx.call(caller: caller, callee: listening)
                try callerResult.requireSuccess()
                try calleeResult.requireSuccess()
                let answered = try await pbx.cdrs().filter { $0.callee == Fixture.callee && $0.disposition == .answered }
                #expect(answered.count == 1, "\(answered)")
            }
        }

        /// A phone's TCP connection can break during a call (its NAT or the network). The
        /// engine's BYE then goes to the phone's remote target, the Contact of its 200,
        /// instead of the ephemeral port the broken connection came from.
        @Test("a TCP phone whose connection broke during the call gets the BYE at its Contact")
        func byeReachesTheContactAfterTheConnectionBroke() async throws {
            try await TestPBX.run(configure: { $0.trusted = ["127.0.0.0/8"] }) { pbx in
                let call = try await Self.callAnsweredOnRawConnection(pbx, caller: .callAwaitBye)
                call.connection.closeConnection()
                try await Task.sleep(for: .milliseconds(500))  // the engine sees the connection end

                try await pbx.cli.succeed(["call", "hangup", call.id])
                let reconnected = try #require(call.listening.accept(timeout: .seconds(10)), "the engine did not connect to the Contact")
                let bye = try reconnected.readHeaders(timeout: .seconds(10))
                #expect(bye.hasPrefix("BYE \(call.contact) SIP/2.0"), "\(bye)")
                try (await call.caller.finish()).requireSuccess()
            }
        }

        /// After the connection broke, the caller re-INVITEs (not a hold, so the engine relays
        /// it): the re-INVITE goes to the phone's Contact over a new connection, the phone's
        /// 200 comes back on it, and the ACK of that 200 must follow, or the phone would
        /// resend its 200 and end the call for want of an ACK.
        @Test("a TCP phone whose connection broke during the call gets a relayed re-INVITE and its ACK at its Contact")
        func reInviteAndItsAckReachTheContactAfterTheConnectionBroke() async throws {
            try await TestPBX.run(configure: { $0.trusted = ["127.0.0.0/8"] }) { pbx in
                let call = try await Self.callAnsweredOnRawConnection(pbx, caller: .callReInviteAwaitBye)
                call.connection.closeConnection()  // the caller's re-INVITE comes 2 s after its ACK

                let reconnected = try #require(call.listening.accept(timeout: .seconds(10)), "the engine did not connect to the Contact")
                let reInvite = try reconnected.readMessage(timeout: .seconds(10))
                #expect(reInvite.hasPrefix("INVITE \(call.contact) SIP/2.0"), "\(reInvite)")
                try reconnected.send(Self.answer(reInvite, contact: call.contact, port: call.listening.port))
                let ack = try reconnected.readMessage(timeout: .seconds(10))
                #expect(ack.hasPrefix("ACK \(call.contact) SIP/2.0"), "\(ack)")
                #expect(ack.lowercased().contains("cseq: 2 ack"), "the ACK of the re-INVITE's 200: \(ack)")

                try await pbx.cli.succeed(["call", "hangup", call.id])
                let bye = try reconnected.readMessage(timeout: .seconds(10))
                #expect(bye.hasPrefix("BYE \(call.contact) SIP/2.0"), "\(bye)")
                try (await call.caller.finish()).requireSuccess()
            }
        }

        /// A call up between a sipp caller and the callee registered on a raw TCP connection,
        /// which answered by hand naming a listener of the test's as its Contact.
        private struct CallToRawConnection {
            let listening: TCPListener
            let contact: String
            let connection: TCPClient
            let caller: SippProcess
            /// The engine's id of the call (`vpbx call hangup`).
            let id: String
        }

        /// Registers the callee on a raw connection with a Contact at a new listener, starts a
        /// caller running `scenario`, answers the engine's INVITE on the connection and waits
        /// until the engine has the call answered.
        private static func callAnsweredOnRawConnection(_ pbx: TestPBX, caller scenario: Scenario) async throws
            -> CallToRawConnection
        {
            let listening = try TCPListener()
            let contact = "sip:\(Fixture.callee)@127.0.0.1:\(listening.port);transport=tcp"
            let connection = try await calleeRegisteredOnRawConnection(pbx, contact: contact)
            let caller = try pbx.start(pbx.phone(scenario).service(Fixture.callee).caller(Fixture.caller), name: "caller")
            let invite = try connection.readMessage(timeout: .seconds(10))
            #expect(invite.hasPrefix("INVITE \(contact) SIP/2.0"), "\(invite)")
            try connection.send(answer(invite, contact: contact, port: listening.port))
            let answered = try await eventually("the call answered", timeout: .seconds(10)) {
                try await pbx.liveCalls().first { $0.state == "answered" }
            }
            return CallToRawConnection(listening: listening, contact: contact, connection: connection, caller: caller, id: answered.id)
        }

        /// Creates the caller and callee extensions and registers the callee with `contact` on
        /// a raw TCP connection (the engine trusts loopback: no digest), which it returns.
        private static func calleeRegisteredOnRawConnection(_ pbx: TestPBX, contact: String) async throws -> TCPClient {
            try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
            try await pbx.addExtension(Fixture.callee, password: Fixture.password(Fixture.callee))
            let connection = try TCPClient(port: pbx.options.sipPort)
            try connection.send(register(Fixture.callee, from: connection.localPort, callID: "raw-callee", contact: contact))
            let answer = try connection.readHeaders()
            guard answer.hasPrefix("SIP/2.0 200") else { throw HarnessError("REGISTER on the raw connection: \(answer)") }
            return connection
        }

        /// `486 Busy Here` for `invite` (its start line and headers as read), as the phone sends it.
        private static func busy(answering invite: String) -> String {
            response(to: invite, status: "486 Busy Here", toTag: "busy-callee", extra: ["Content-Length: 0"], body: "")
        }

        /// `200 OK` for `invite` with an SDP answer (PCMU, RTP on `port`, nothing sent there)
        /// and `contact` as the phone's remote target.
        private static func answer(_ invite: String, contact: String, port: UInt16) -> String {
            let sdp = [
                "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
                "m=audio \(port) RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=sendrecv", "",
            ].joined(separator: "\r\n")
            return response(
                to: invite, status: "200 OK", toTag: "answer-callee",
                extra: ["Contact: <\(contact)>", "Content-Type: application/sdp", "Content-Length: \(sdp.utf8.count)"],
                body: sdp)
        }

        /// A response to `invite` (its start line and headers as read) with its Vias, From,
        /// Call-ID and CSeq, and its To with `toTag`.
        private static func response(to invite: String, status: String, toTag: String, extra: [String], body: String) -> String {
            let lines = invite.split(separator: "\r\n")
            let copied = lines.filter { line in
                ["via:", "from:", "call-id:", "cseq:"].contains { line.lowercased().hasPrefix($0) }
            }
            let to = lines.first { $0.lowercased().hasPrefix("to:") } ?? "To: <sip:\(Fixture.callee)@127.0.0.1>"
            // A request within the dialog (a re-INVITE) already carries our tag.
            let taggedTo = to.contains(";tag=") ? String(to) : "\(to);tag=\(toTag)"
            return (["SIP/2.0 \(status)"] + copied.map(String.init) + [taggedTo] + extra + ["", body])
                .joined(separator: "\r\n")
        }

        /// A REGISTER over TCP from `port`, for one contact that stays the same across connections.
        private static func register(
            _ number: String, from port: UInt16, callID: String,
            contact: String? = nil
        ) -> String {
            [
                "REGISTER sip:127.0.0.1 SIP/2.0",
                "Via: SIP/2.0/TCP 127.0.0.1:\(port);branch=z9hG4bK-\(callID);rport",
                "Max-Forwards: 70",
                "From: <sip:\(number)@127.0.0.1>;tag=\(callID)",
                "To: <sip:\(number)@127.0.0.1>",
                "Call-ID: \(callID)@test",
                "CSeq: 1 REGISTER",
                "Contact: <\(contact ?? "sip:\(number)@192.168.1.50:5060;transport=tcp")>",
                "Expires: 600",
                "Content-Length: 0",
                "", "",
            ].joined(separator: "\r\n")
        }
    }
}
