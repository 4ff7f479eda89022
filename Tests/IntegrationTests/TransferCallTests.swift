import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Blind transfer with real phones: 1001 calls 1002 (a sipp phone), whose phone (REFER) or
    /// whose receptionist's console (`vpbx call transfer`) transfers the call to 1003 (another
    /// sipp phone). The caller's and the target's ears are UDP sockets the test reads and talks
    /// from: once 1003 answered, the caller sends 500 Hz and the target 1000 Hz, and each must
    /// hear the other's tone through the relay.
    @Suite("Transfer")
    struct TransferCallTests {
        static let target = "1003"
        static let callerTone = 500.0
        static let targetTone = 1000.0

        @Test(
            "blind transfer: REFER accepted, NOTIFYs to the transferor, the target rings and answers, caller and target hear each other",
            arguments: [Scenario.answerTransferHangUp, .answerTransferAwaitBye])
        func blindTransfer(transferorScenario: Scenario) async throws {
            try await TestPBX.run { pbx in
                let transferor = try SippPeer(transferorScenario).key("target", Self.target)
                let call = try await ThreeParties.start(pbx, callee: transferor)
                let transferred = try await call.transferred(pbx)
                let transferorResult = await call.calleeProcess.finish()
                try transferorResult.requireSuccess()
                let refer = try #require(transferorResult.receivedMessages().first { $0.hasPrefix("SIP/2.0 202") })
                #expect(refer.contains("CSeq: 1 REFER"))
                try await call.expectCallerAndTargetTalk(pbx, transferred)
            }
        }

        @Test("the calling phone transfers: 1001 calls 1002, REFERs it to 1003 and hangs up at once; 1002 and 1003 hear each other")
        func callerTransfers() async throws {
            try await TestPBX.run { pbx in
                let keptEar = try RTPCapture()
                let kept = try SippPeer(.answerListen).key("rtp_listen", String(keptEar.port))
                let parties = try await ThreeParties.start(pbx, callee: kept, caller: .callTransferHangUp)
                let call = parties.keepingCallee(ear: keptEar)
                let transferred = try await call.transferred(pbx, keeping: Fixture.callee)
                let transferorResult = await parties.callerProcess.finish()
                parties.callerEar.stop()
                try transferorResult.requireSuccess()  // 202, NOTIFY 100 Trying, its BYE answered
                try await call.expectCallerAndTargetTalk(pbx, transferred)
            }
        }

        @Test(
            "vpbx call transfer: the console transfers an answered call's caller (or, --keep callee, its callee); the other party's phone is hung up when the target answers",
            arguments: [false, true])
        func fromTheConsole(keepingCallee: Bool) async throws {
            try await TestPBX.run { pbx in
                let calleeEar = try RTPCapture()
                let callee = try SippPeer(.answerListen).key("rtp_listen", String(calleeEar.port))
                let parties = try await ThreeParties.start(pbx, callee: callee)
                let answered = try await eventually("the call answered by \(Fixture.callee)") {
                    guard parties.callerProcess.isRunning else { throw StopWaiting(reason: "the caller's sipp has ended") }
                    return try await pbx.cli.json([CallInfo].self, ["call", "list"]).first { $0.state == .answered }
                }
                let refused = try await pbx.cli.run(["call", "transfer", answered.id, "--to", "999"])
                #expect(refused.exitCode == 1 && refused.stderr.contains("999"), "\(refused)")
                try await pbx.cli.succeed(
                    ["call", "transfer", answered.id, "--to", Self.target] + (keepingCallee ? ["--keep", "callee"] : []))
                let call = keepingCallee ? parties.keepingCallee(ear: calleeEar) : parties
                let transferred = try await call.transferred(pbx, keeping: keepingCallee ? Fixture.callee : Fixture.caller)
                let leftResult = await call.calleeProcess.finish()
                (keepingCallee ? parties.callerEar : calleeEar).stop()
                try leftResult.requireSuccess()  // it got the engine's BYE at the target's answer
                try await call.expectCallerAndTargetTalk(pbx, transferred)
            }
        }

        @Test("an agent transfers a queue call: free for the next queue call once the target answers, while the call goes on")
        func agentTransfersAQueueCall() async throws {
            try await TestPBX.run { pbx in
                let targetEar = try RTPCapture()
                let agentPhone = try SippPeer(.answerTransferHangUp).key("target", Self.target)
                let target = try SippPeer(.answerListen).key("rtp_listen", String(targetEar.port))
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: agentPhone, number: Fixture.callee))
                try await pbx.addExtension(
                    Self.target, password: Fixture.password(Self.target),
                    staticContact: pbx.contact(of: target, number: Self.target))
                try await pbx.cli.succeed(["queue", "add", "sales", "--wrap-up", "0"])
                try await pbx.cli.succeed(["agent", "add", "2001", "--name", "Ügynök"])
                try await pbx.cli.succeed(["queue", "member", "add", "sales", "2001"])
                try await pbx.cli.succeed(["agent", "login", "2001", "--at", Fixture.callee])
                try await pbx.cli.succeed(["route", "add", "300", "--to", "queue:sales"])
                let agentProcess = try pbx.start(agentPhone, name: "agent")
                let targetProcess = try pbx.start(target, name: "target")
                try await Task.sleep(for: .milliseconds(300))
                try await agentProcess.requireListening()
                try await targetProcess.requireListening()
                let caller = try pbx.phone(.callAwaitBye).service("300").caller(Fixture.caller)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let callerProcess = try pbx.start(caller, name: "caller")

                let call = try await eventually("the queue call transferred to \(Self.target) and answered there") {
                    guard callerProcess.isRunning else { throw StopWaiting(reason: "the caller's sipp has ended") }
                    return try await pbx.cli.json([CallInfo].self, ["call", "list"]).first {
                        $0.callee == Self.target && $0.state == .answered
                    }
                }
                try await agentProcess.finish().requireSuccess()
                let agent = try await eventually("the agent free again, the call still up") {
                    let agents = try await pbx.cli.json([AgentStatusInfo].self, ["agent", "status"])
                    return agents.first { $0.number == "2001" && $0.state == "available" && $0.callsHandled == 1 }
                }
                #expect(agent.extensionNumber == Fixture.callee)
                #expect(try await pbx.cli.json([CallInfo].self, ["call", "list"]).map(\.id) == [call.id])
                try await pbx.cli.succeed(["call", "hangup", call.id])
                let callerResult = await callerProcess.finish()
                let targetResult = await targetProcess.finish()
                targetEar.stop()
                try callerResult.requireSuccess()
                try targetResult.requireSuccess()
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "300")
                #expect(cdr.path?.contains("transfer:\(Self.target)") == true, "path: \(cdr.path ?? [])")
            }
        }

        @Test("attended transfer: 1002 answers 1001, calls 1003 on a second line and transfers with Replaces; 1003 is re-INVITEd into 1001's call and they hear each other")
        func attendedTransfer() async throws {
            try await TestPBX.run { pbx in
                let desk = try SippPeer(.answer)
                let call = try await ThreeParties.start(pbx, callee: desk, target: .answerListenReInvite)
                let (deskProcess, callerProcess) = (call.calleeProcess, call.callerProcess)

                let (callID, engineTag, deskTag) = try await Self.deskDialog(deskProcess, callerProcess: callerProcess)
                let consultProcess = try Self.consultAndTransfer(
                    pbx, naming: (callID, engineTag, deskTag), name: "consult")

                let joined = try await call.transferred(pbx)
                try await consultProcess.finish().requireSuccess()  // 202, both NOTIFYs, the BYE
                try await deskProcess.finish().requireSuccess()  // hung up by the engine
                #expect(try await pbx.cli.json([CallInfo].self, ["call", "list"]).count == 1, "the consultation ended")
                try await call.expectCallerAndTargetTalk(pbx, joined)  // the target: answered, re-INVITEd, hung up
            }
        }

        /// 1001's call's dialog as the desk's phone (`deskProcess`) has it: the engine's INVITE
        /// (its Call-ID and tag) and ACK (the desk's tag).
        static func deskDialog(_ deskProcess: SippProcess, callerProcess: SippProcess) async throws
            -> (callID: String, engineTag: String, deskTag: String)
        {
            try await eventually("1001's call answered by the desk") { () -> (String, String, String)? in
                guard callerProcess.isRunning else { throw StopWaiting(reason: "the caller's sipp has ended") }
                let received = deskProcess.receivedSoFar()
                guard let invite = received.first(where: { $0.hasPrefix("INVITE") }),
                    let ack = received.first(where: { $0.hasPrefix("ACK") }),
                    let callID = header("Call-ID", in: invite), let from = header("From", in: invite),
                    let to = header("To", in: ack), let engineTag = tag(from), let deskTag = tag(to)
                else { return nil }
                return (callID, engineTag, deskTag)
            }
        }

        @Test("attended transfer of two calls the desk made: 1002 calls 1001, then 1003, and joins them (the first call's parties change places); 1001 and 1003 hear each other")
        func attendedTransferOfTwoOutgoingCalls() async throws {
            try await TestPBX.run { pbx in
                let aliceEar = try RTPCapture()
                let carolEar = try RTPCapture()
                let alice = try SippPeer(.answerListen).key("rtp_listen", String(aliceEar.port))
                let carol = try SippPeer(.answerListenReInvite).key("rtp_listen", String(carolEar.port))
                try await pbx.addExtension(
                    Fixture.caller, password: Fixture.password(Fixture.caller),
                    staticContact: pbx.contact(of: alice, number: Fixture.caller))
                try await pbx.addExtension(Fixture.callee, password: Fixture.password(Fixture.callee))
                try await pbx.addExtension(
                    Self.target, password: Fixture.password(Self.target), staticContact: pbx.contact(of: carol, number: Self.target))
                let aliceProcess = try pbx.start(alice, name: "alice")
                let carolProcess = try pbx.start(carol, name: "carol")
                try await Task.sleep(for: .milliseconds(300))
                try await aliceProcess.requireListening()
                try await carolProcess.requireListening()

                // The desk's first line calls 1001 (and sends RTP until the engine hangs it up).
                let firstLine = try pbx.phone(.callAwaitBye).service(Fixture.caller).caller(Fixture.callee)
                    .credentials(user: Fixture.callee, password: Fixture.password(Fixture.callee))
                let firstProcess = try pbx.start(firstLine, name: "desk-line-1")
                let (callID, engineTag, deskTag) = try await eventually("1002's call to 1001 answered") {
                    () -> (String, String, String)? in
                    guard firstProcess.isRunning else { throw StopWaiting(reason: "the desk's first line has ended") }
                    guard let ok = firstProcess.receivedSoFar().first(where: { $0.hasPrefix("SIP/2.0 200") && $0.contains("INVITE") }),
                        let callID = Self.header("Call-ID", in: ok), let from = Self.header("From", in: ok),
                        let to = Self.header("To", in: ok), let deskTag = Self.tag(from), let engineTag = Self.tag(to)
                    else { return nil }
                    return (callID, engineTag, deskTag)
                }
                // Its second line calls 1003 and transfers with Replaces naming the first call.
                let consultProcess = try Self.consultAndTransfer(
                    pbx, naming: (callID, engineTag, deskTag), name: "desk-line-2")

                let call = ThreeParties(
                    callerEar: aliceEar, targetEar: carolEar, callerProcess: aliceProcess, calleeProcess: firstProcess,
                    targetProcess: carolProcess)
                let joined = try await call.transferred(pbx)  // 1001 now the call's caller, 1003 its callee
                try await consultProcess.finish().requireSuccess()  // 202, both NOTIFYs, the BYE
                try await firstProcess.finish().requireSuccess()  // hung up by the engine
                #expect(try await pbx.cli.json([CallInfo].self, ["call", "list"]).count == 1, "the consultation ended")
                try await call.expectCallerAndTargetTalk(pbx, joined, recordedFrom: Fixture.callee, to: Fixture.caller)
            }
        }

        /// 1002's second line: calls 1003, then transfers with a Replaces naming the desk's
        /// dialog of its other call (`callID`, the engine's tag, the desk's), escaped.
        static func consultAndTransfer(
            _ pbx: TestPBX, naming dialog: (callID: String, engineTag: String, deskTag: String), name: String,
            calling number: String = target
        ) throws -> SippProcess {
            let replaces = "\(dialog.callID);to-tag=\(dialog.engineTag);from-tag=\(dialog.deskTag)"
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
            let consult = try pbx.phone(.callConsultTransfer).service(number).caller(Fixture.callee)
                .key("party", Fixture.caller).key("replaces", replaces)
                .credentials(user: Fixture.callee, password: Fixture.password(Fixture.callee))
            return try pbx.start(consult, name: name)
        }

        /// The value of header `name` in a message's text.
        static func header(_ name: String, in message: String) -> String? {
            message.split(whereSeparator: \.isNewline).first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
        }

        /// The `tag` parameter of a From or To value.
        static func tag(_ value: String) -> String? {
            guard let range = value.range(of: ";tag=") else { return nil }
            return String(value[range.upperBound...].prefix { $0 != ";" && !$0.isWhitespace })
        }

        /// 1001 (a listening sipp with an ear) calling 1002 (`callee`), and 1003 (a listening
        /// sipp with an ear) ready to answer.
        struct ThreeParties {
            let callerEar: RTPCapture
            let targetEar: RTPCapture
            let callerProcess: SippProcess
            let calleeProcess: SippProcess
            let targetProcess: SippProcess

            /// `target`: 1003's scenario, one that listens on `rtp_listen`; `caller`: 1001's, one
            /// that listens on `rtp_listen` or transfers to `target`.
            static func start(
                _ pbx: TestPBX, callee: SippPeer, target targetScenario: Scenario = .answerListen,
                caller callerScenario: Scenario = .callListen
            ) async throws -> ThreeParties {
                let callerEar = try RTPCapture()
                let targetEar = try RTPCapture()
                let target = try SippPeer(targetScenario).key("rtp_listen", String(targetEar.port))
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: callee, number: Fixture.callee))
                try await pbx.addExtension(
                    TransferCallTests.target, password: Fixture.password(TransferCallTests.target),
                    staticContact: pbx.contact(of: target, number: TransferCallTests.target))
                let calleeProcess = try pbx.start(callee, name: "callee")
                let targetProcess = try pbx.start(target, name: "target")
                try await Task.sleep(for: .milliseconds(300))
                try await calleeProcess.requireListening()
                try await targetProcess.requireListening()
                let caller = try pbx.phone(callerScenario).service(Fixture.callee).caller(Fixture.caller)
                    .key("rtp_listen", String(callerEar.port)).key("target", TransferCallTests.target)
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                return ThreeParties(
                    callerEar: callerEar, targetEar: targetEar, callerProcess: try pbx.start(caller, name: "caller"),
                    calleeProcess: calleeProcess, targetProcess: targetProcess)
            }

            /// The parties once 1002 (listening with `ear`) is the one put through to the target:
            /// the call's parties changed places (the transferring phone was 1001), so 1002 is
            /// its caller and talks to the target.
            func keepingCallee(ear: RTPCapture) -> ThreeParties {
                ThreeParties(
                    callerEar: ear, targetEar: targetEar, callerProcess: calleeProcess, calleeProcess: callerProcess,
                    targetProcess: targetProcess)
            }

            /// The call once the target answered it, both its media ports known; `keeping`: its
            /// caller then (the party put through to the target).
            func transferred(_ pbx: TestPBX, keeping kept: String = Fixture.caller) async throws -> CallInfo {
                try await eventually("the call transferred to \(TransferCallTests.target) and answered there") {
                    guard callerProcess.isRunning else { throw StopWaiting(reason: "the caller's sipp has ended") }
                    let calls = try await pbx.cli.json([CallInfo].self, ["call", "list"])
                    return calls.first { call in
                        call.caller == kept && call.callee == TransferCallTests.target && call.state == .answered
                            && (call.legs ?? []).filter { $0.mediaPort != nil }.count == 2
                    }
                }
            }

            /// Caller and target talk for 2 s and must hear each other; then the call is hung
            /// up from the console, and its record (of the call from `recordedFrom` to `to`, as
            /// it began) shows the transfer.
            func expectCallerAndTargetTalk(
                _ pbx: TestPBX, _ call: CallInfo, recordedFrom caller: String = Fixture.caller, to callee: String = Fixture.callee
            ) async throws {
                try await CallWithEars(
                    callerEar: callerEar, calleeEar: targetEar, callerProcess: callerProcess, calleeProcess: targetProcess
                ).expectBothHearEachOther(
                    pbx, call, callerTone: TransferCallTests.callerTone, calleeTone: TransferCallTests.targetTone)
                let cdr = try await eventually("the call's finished record") {
                    let cdr = try await pbx.cdr(from: caller, to: callee)
                    return cdr.disposition == .answered ? cdr : nil
                }
                #expect(cdr.path == ["transfer:\(TransferCallTests.target)"])
            }
        }
    }
}
