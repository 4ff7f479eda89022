import Foundation
import Testing
import VPBXControl
import VPBXMedia

extension Integration {
    /// Call parking with real phones: 1001 calls 1002 (a sipp phone), which parks 1001 by
    /// transferring it to the park code (REFER to `*70`, or `vpbx call transfer --to *70` from
    /// the console); 1003 (another sipp phone) takes the call by dialling `*71` and the slot,
    /// or nobody does and 1002 rings again when the lot's time is up.
    @Suite("Parking")
    struct ParkingCallTests {
        static let picker = "1003"
        static let callerTone = 500.0
        static let pickerTone = 1000.0

        @Test(
            "a phone's blind transfer to *70 parks the caller on slot 1 with music; 1003 dials *711 and caller and picker hear each other"
        )
        func parkAndPickUp() async throws {
            try await TestPBX.run { pbx in
                let callerEar = try RTPCapture()
                let pickerEar = try RTPCapture()
                let parker = try SippPeer(.answerTransferAwaitBye).key("target", "*70")
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                try await pbx.addExtension(
                    Fixture.callee, password: Fixture.password(Fixture.callee),
                    staticContact: pbx.contact(of: parker, number: Fixture.callee))
                try await pbx.addExtension(Self.picker, password: Fixture.password(Self.picker))
                let parkerProcess = try pbx.start(parker, name: "parker")
                try await Task.sleep(for: .milliseconds(300))
                try await parkerProcess.requireListening()
                let caller = try pbx.phone(.callListen).service(Fixture.callee).caller(Fixture.caller)
                    .key("rtp_listen", String(callerEar.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let callerProcess = try pbx.start(caller, name: "caller")

                let parked = try await eventually("the caller parked") {
                    guard callerProcess.isRunning else { throw StopWaiting(reason: "the caller's sipp has ended") }
                    return try await pbx.cli.json([ParkedCallInfo].self, ["call", "parked"]).first
                }
                #expect(parked.slot == 1 && parked.caller == Fixture.caller && parked.parkedBy == Fixture.callee)
                #expect((30...45).contains(parked.secondsLeft), "\(parked.secondsLeft) s left of the default 45")
                let table = try await pbx.cli.run(["call", "parked"], json: false)
                #expect(
                    table.succeeded && table.stdout.contains("SLOT") && table.stdout.contains(parked.id),
                    "\(table.summary)")
                try await parkerProcess.finish().requireSuccess()  // 202, NOTIFY, its BYE answered

                // Parked, the caller hears the hold music, not silence.
                let before = callerEar.received.count
                _ = try await eventually("a second of the parked caller's audio") {
                    callerEar.received.count >= before + 50 ? true : nil
                }
                let parkedAudio = callerEar.receivedAudio.suffix(4000).map { Double($0) * Double($0) }
                let rms = (parkedAudio.reduce(0, +) / Double(max(parkedAudio.count, 1))).squareRoot()
                #expect(parkedAudio.count == 4000 && rms > 300, "the last 0.5 s parked: RMS \(rms)")

                let picker = try pbx.phone(.callListen).service("*71\(parked.slot)").caller(Self.picker)
                    .key("rtp_listen", String(pickerEar.port))
                    .credentials(user: Self.picker, password: Fixture.password(Self.picker))
                let pickerProcess = try pbx.start(picker, name: "picker")
                let call = try await eventually("the parked call answered by \(Self.picker)") {
                    guard pickerProcess.isRunning else { throw StopWaiting(reason: "the picker's sipp has ended") }
                    return try await pbx.cli.json([CallInfo].self, ["call", "list"]).first {
                        $0.id == parked.id && $0.callee == Self.picker && $0.state == .answered
                            && ($0.legs ?? []).filter { $0.mediaPort != nil }.count == 2
                    }
                }
                #expect(try await pbx.cli.json([ParkedCallInfo].self, ["call", "parked"]).isEmpty)

                try await CallWithEars(
                    callerEar: callerEar, calleeEar: pickerEar, callerProcess: callerProcess,
                    calleeProcess: pickerProcess
                ).expectBothHearEachOther(pbx, call, callerTone: Self.callerTone, calleeTone: Self.pickerTone)

                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.disposition == .answered)
                #expect(cdr.path?.suffix(2) == ["park:any", "park:1=\(Self.picker)"], "path: \(cdr.path ?? [])")
            }
        }

        @Test("dialled, *703 reserves slot 3 and says it (the prompts replaced by tones); nothing is listed as parked")
        func dialledParkCodeSaysTheSlot() async throws {
            try await TestPBX.run { pbx in
                let hungarian = URL(fileURLWithPath: pbx.options.promptsDirectory).appendingPathComponent("hu")
                try FileManager.default.createDirectory(at: hungarian, withIntermediateDirectories: true)
                for (name, frequency) in [("park-slot", 750), ("num-3", 1750)] {
                    try await Sox.sine(
                        hungarian.appendingPathComponent("\(name).wav"), rate: 8000, channels: 1, seconds: 0.6,
                        frequency: frequency, scratch: pbx.scratch)
                }
                try await pbx.addExtension(Fixture.callee, password: Fixture.password(Fixture.callee))
                let ear = try RTPCapture()
                let parker = try pbx.phone(.callListen).service("*703").caller(Fixture.callee)
                    .key("rtp_listen", String(ear.port))
                    .credentials(user: Fixture.callee, password: Fixture.password(Fixture.callee))
                let process = try pbx.start(parker, name: "parker")
                _ = try await eventually("1.5 s of the announcement") {
                    guard process.isRunning else { throw StopWaiting(reason: "the parker's sipp has ended") }
                    return ear.received.count >= 75 ? true : nil
                }
                let heard = ear.receivedAudio
                let slot = Goertzel.amplitude(of: 750, in: heard)
                let three = Goertzel.amplitude(of: 1750, in: heard)
                #expect(slot > 1000 && three > 1000, "park-slot (750 Hz) \(Int(slot)), num-3 (1750 Hz) \(Int(three))")
                #expect(try await pbx.cli.json([ParkedCallInfo].self, ["call", "parked"]).isEmpty)
                let call = try #require(try await pbx.cli.json([CallInfo].self, ["call", "list"]).first)
                try await pbx.cli.succeed(["call", "hangup", call.id])
                let result = await process.finish()
                ear.stop()
                try result.requireSuccess()
            }
        }

        @Test(
            "attended: 1002 calls 1001, dials *70 on its second line (a slot reserved for it) and transfers with Replaces; 1001 is parked on that slot for 1002"
        )
        func attendedParking() async throws {
            try await TestPBX.run { pbx in
                let aliceEar = try RTPCapture()
                let alice = try SippPeer(.answerListen).key("rtp_listen", String(aliceEar.port))
                try await pbx.addExtension(
                    Fixture.caller, password: Fixture.password(Fixture.caller),
                    staticContact: pbx.contact(of: alice, number: Fixture.caller))
                try await pbx.addExtension(Fixture.callee, password: Fixture.password(Fixture.callee))
                let aliceProcess = try pbx.start(alice, name: "alice")
                try await Task.sleep(for: .milliseconds(300))
                try await aliceProcess.requireListening()

                // The desk's first line calls 1001, which answers.
                let firstLine = try pbx.phone(.callAwaitBye).service(Fixture.caller).caller(Fixture.callee)
                    .credentials(user: Fixture.callee, password: Fixture.password(Fixture.callee))
                let firstProcess = try pbx.start(firstLine, name: "desk-line-1")
                let (callID, engineTag, deskTag) = try await eventually("1002's call to 1001 answered") {
                    () -> (String, String, String)? in
                    guard firstProcess.isRunning else { throw StopWaiting(reason: "the desk's first line has ended") }
                    guard
                        let ok = firstProcess.receivedSoFar().first(where: {
                            $0.hasPrefix("SIP/2.0 200") && $0.contains("INVITE")
                        }),
                        let callID = TransferCallTests.header("Call-ID", in: ok),
                        let from = TransferCallTests.header("From", in: ok),
                        let to = TransferCallTests.header("To", in: ok), let deskTag = TransferCallTests.tag(from),
                        let engineTag = TransferCallTests.tag(to)
                    else { return nil }
                    return (callID, engineTag, deskTag)
                }
                // Its second line dials *70 and transfers with Replaces naming the first call.
                let consultProcess = try TransferCallTests.consultAndTransfer(
                    pbx, naming: (callID, engineTag, deskTag), name: "desk-line-2", calling: "*70")
                let parked = try await eventually("1001 parked") {
                    guard aliceProcess.isRunning else { throw StopWaiting(reason: "1001's sipp has ended") }
                    return try await pbx.cli.json([ParkedCallInfo].self, ["call", "parked"]).first
                }
                #expect(parked.slot == 1 && parked.caller == Fixture.caller && parked.parkedBy == Fixture.callee)
                try await consultProcess.finish().requireSuccess()  // 202, NOTIFY 100 and 200, the BYE
                try await firstProcess.finish().requireSuccess()  // the engine hung up the desk's first line
                let calls = try await pbx.cli.json([CallInfo].self, ["call", "list"])
                #expect(calls.map(\.id) == [parked.id], "the consultation ended: \(calls)")
                try await pbx.cli.succeed(["call", "hangup", parked.id])
                let aliceResult = await aliceProcess.finish()
                aliceEar.stop()
                try aliceResult.requireSuccess()
                let consultation = try await pbx.cdr(from: Fixture.callee, to: "*70")
                #expect(consultation.disposition == .answered && consultation.cause == "parked", "\(consultation)")
            }
        }

        @Test(
            "the console takes a parked call to 1003's phone (vpbx call pickup): it rings there and is answered; to a phoneless 1004 it goes back to its slot"
        )
        func consoleTakesTheParkedCall() async throws {
            try await TestPBX.run { pbx in
                let parkerEar = try RTPCapture()
                let pickerEar = try RTPCapture()
                let parker = try SippPeer(.answerListen).key("rtp_listen", String(parkerEar.port))
                let picker = try SippPeer(.answerListen).key("rtp_listen", String(pickerEar.port))
                try await pbx.addExtension(
                    Self.picker, password: Fixture.password(Self.picker),
                    staticContact: pbx.contact(of: picker, number: Self.picker))
                let pickerProcess = try pbx.start(picker, name: "picker")
                let (callerProcess, parkerProcess, _) = try await Self.parkFromTheConsole(
                    pbx, parker: parker, code: "*70")
                try await pickerProcess.requireListening()
                let parked = try await eventually("the caller parked") {
                    try await pbx.cli.json([ParkedCallInfo].self, ["call", "parked"]).first
                }
                try await parkerProcess.finish().requireSuccess()  // its leg ended when the call was parked
                // An extension without a phone cannot take it: the call goes back to its slot.
                try await pbx.addExtension("1004", password: Fixture.password("1004"))
                try await pbx.cli.succeed(["call", "pickup", parked.id, "--to", "1004"])
                let back = try await eventually("the call parked again on slot \(parked.slot)") {
                    try await pbx.cli.json([ParkedCallInfo].self, ["call", "parked"]).first {
                        $0.id == parked.id && $0.since > parked.since
                    }
                }
                #expect(back.slot == parked.slot && back.parkedBy == Fixture.callee)
                try await pbx.cli.succeed(["call", "pickup", parked.id, "--to", Self.picker])
                let taken = try await eventually("the parked call answered at \(Self.picker)") {
                    guard callerProcess.isRunning else { throw StopWaiting(reason: "the caller's sipp has ended") }
                    return try await pbx.cli.json([CallInfo].self, ["call", "list"]).first {
                        $0.id == parked.id && $0.callee == Self.picker && $0.state == .answered
                            && ($0.legs ?? []).filter { $0.mediaPort != nil }.count == 2
                    }
                }
                #expect(try await pbx.cli.json([ParkedCallInfo].self, ["call", "parked"]).isEmpty)
                let again = try await pbx.cli.run(["call", "pickup", parked.id, "--to", Fixture.callee])
                #expect(again.exitCode == 1, "no longer ringing nor parked: \(again.summary)")
                try await pbx.cli.succeed(["call", "hangup", taken.id])
                let callerResult = await callerProcess.finish()
                let pickerResult = await pickerProcess.finish()
                parkerEar.stop()
                pickerEar.stop()
                try callerResult.requireSuccess()
                try pickerResult.requireSuccess()
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.path?.contains("park:1=\(Self.picker)") == true, "path: \(cdr.path ?? [])")
            }
        }

        @Test(
            "parked from the console and not picked up: after --park-timeout the parking extension's phone rings with the call"
        )
        func timeoutRingsTheParker() async throws {
            try await TestPBX.run(configure: { $0.parkTimeout = 5 }) { pbx in
                let parkerEar = try RTPCapture()
                // Two calls: the one it parks, and the same caller back when the time is up.
                var parker = try SippPeer(.answerListen).key("rtp_listen", String(parkerEar.port))
                parker.calls = 2
                let (callerProcess, parkerProcess, answered) = try await Self.parkFromTheConsole(
                    pbx, parker: parker, code: "*702")
                let parked = try await eventually("the caller parked on slot 2") {
                    try await pbx.cli.json([ParkedCallInfo].self, ["call", "parked"]).first
                }
                #expect(parked.slot == 2 && parked.parkedBy == Fixture.callee && parked.secondsLeft <= 5)

                let back = try await eventually("the call back at \(Fixture.callee) after 5 s", timeout: .seconds(15)) {
                    guard callerProcess.isRunning else { throw StopWaiting(reason: "the caller's sipp has ended") }
                    return try await pbx.cli.json([CallInfo].self, ["call", "list"]).first {
                        // Both media ports known: 1002's phone answered (while it rings, the
                        // call is still the park application's).
                        $0.id == answered.id && $0.callee == Fixture.callee && $0.state == .answered
                            && ($0.legs ?? []).filter { $0.mediaPort != nil }.count == 2
                    }
                }
                #expect(try await pbx.cli.json([ParkedCallInfo].self, ["call", "parked"]).isEmpty)
                try await pbx.cli.succeed(["call", "hangup", back.id])
                let callerResult = await callerProcess.finish()
                let parkerResult = await parkerProcess.finish()
                parkerEar.stop()
                try callerResult.requireSuccess()
                try parkerResult.requireSuccess()  // both calls answered, both ended by the engine's BYE
                let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                #expect(cdr.path?.contains("park:2=timeout") == true, "path: \(cdr.path ?? [])")
            }
        }

        /// 1001 calls 1002 (`parker`, a sipp phone at 1002's static contact), which answers;
        /// the console transfers the caller to the park `code`. Returns the two phones'
        /// processes and the call.
        static func parkFromTheConsole(_ pbx: TestPBX, parker: SippPeer, code: String) async throws -> (
            caller: SippProcess, parker: SippProcess, call: CallInfo
        ) {
            try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
            try await pbx.addExtension(
                Fixture.callee, password: Fixture.password(Fixture.callee),
                staticContact: pbx.contact(of: parker, number: Fixture.callee))
            let parkerProcess = try pbx.start(parker, name: "parker")
            try await Task.sleep(for: .milliseconds(300))
            try await parkerProcess.requireListening()
            let caller = try pbx.phone(.callAwaitBye).service(Fixture.callee).caller(Fixture.caller)
                .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
            let callerProcess = try pbx.start(caller, name: "caller")
            let answered = try await eventually("the call answered by \(Fixture.callee)") {
                guard callerProcess.isRunning else { throw StopWaiting(reason: "the caller's sipp has ended") }
                return try await pbx.cli.json([CallInfo].self, ["call", "list"]).first { $0.state == .answered }
            }
            try await pbx.cli.succeed(["call", "transfer", answered.id, "--to", code])
            return (callerProcess, parkerProcess, answered)
        }
    }
}
