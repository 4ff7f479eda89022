import Foundation
import Synchronization
import Testing
import VPBXNetwork
import VPBXPBX
import VPBXSIP
import VPBXStore

/// Which calls the core asks to be recorded (`vpbx ext set N --record on`), and with what.
@Suite("Recording policy", .timeLimit(.minutes(1)))
struct RecordingPolicyTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk

    /// Keeps the requests instead of recording, and what was asked of the recordings.
    final class RecordingRequests: CallRecordingService {
        let requests = Mutex<[CallRecordingRequest]>([])
        let recording = FakeRecording()
        func startRecording(_ request: CallRecordingRequest, media: any MediaSession) async throws -> any MediaRecording
        {
            requests.withLock { $0.append(request) }
            return recording
        }
        func startRoomRecording(_ request: RoomRecordingRequest) async throws -> any RelayRecordingSink {
            throw RecordingUnsupported()
        }
        var all: [CallRecordingRequest] { requests.withLock { $0 } }
    }

    final class FakeRecording: MediaRecording {
        let pauses = Mutex<[Bool]>([])
        func setPaused(_ paused: Bool) { pauses.withLock { $0.append(paused) } }
        var all: [Bool] { pauses.withLock { $0 } }
    }

    private func recordCalls(of number: String, _ pbx: PBXHarness) async throws {
        let record = try await pbx.extensions.update(number, with: ExtensionPatch(recordCalls: true))
        await pbx.core.extensionChanged(record)
    }

    @Test("the callee records its calls: one request at the answer, with both phones' codecs and why")
    func calleeRecords() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let service = RecordingRequests()
            await pbx.core.setRecordingService(service)
            try await recordCalls(of: desk.number, pbx)
            _ = try await pbx.establish(from: alice, to: desk)
            try await pbx.settle(via: alice)
            #expect(await pbx.core.callSnapshots().map(\.encrypted) == [false])
            try await eventually("the recording asked for") { service.all.count == 1 }
            let request = try #require(service.all.first)
            #expect(request.caller == alice.number && request.callee == desk.number)
            #expect(
                request.callerCodec == request.calleeCodec
                    && MusicOnHold.encodings.contains(request.callerCodec.encoding))
            #expect(request.reason == "extension \(desk.number) records its calls")
            #expect(await pbx.core.callSnapshots().first?.id == request.callID)
            try await Task.sleep(for: .milliseconds(100))
            #expect(service.all.count == 1, "asked once a call")
        }
    }

    @Test(
        "an SRTP call between two SRTP phones, the callee recording its calls: the engine terminates both sides and the call is recorded"
    )
    func recordedSRTPCallIsTerminated() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let service = RecordingRequests()
            await pbx.core.setRecordingService(service)
            try await recordCalls(of: desk.number, pbx)
            // The desk's phones speak SRTP too: the engine terminates both sides (keys passed
            // end to end, as stops 52-54 did between such phones, would leave nothing to record).
            let srtp = try await pbx.extensions.update(desk.number, with: ExtensionPatch(srtp: .mandatory))
            await pbx.core.extensionChanged(srtp)
            let key = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"
            func secure(_ sdp: String) -> String {
                sdp.replacingOccurrences(of: "RTP/AVP ", with: "RTP/SAVP ")
                    .replacingOccurrences(of: "a=sendrecv", with: "\(key)\r\na=sendrecv")
            }
            let call = try await pbx.establish(
                from: alice, to: desk, callerOffer: secure(alice.sdp()), calleeAnswer: secure(desk.sdp(port: 4002)))
            let invite = try #require(pbx.outbound.sent.first { $0.isRequest(.invite, to: desk.address) }?.request)
            let offered = String(decoding: invite.body, as: UTF8.self)
            #expect(
                offered.contains("RTP/SAVP ") && offered.contains("a=crypto:1 ") && !offered.contains(key), "\(offered)"
            )
            #expect(call.session.srtpTerminations.map(\.side) == [.a, .b])
            try await pbx.settle(via: alice)
            try await eventually("the recording asked for") { service.all.count == 1 }
            #expect(await pbx.core.callSnapshots().map(\.encrypted) == [true])
        }
    }

    @Test(
        "an SRTP phone whose SRTP the engine terminates (--srtp mandatory) is recorded: the relay has the plain audio; call.list says SRTP"
    )
    func terminatedSRTPIsRecorded() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let service = RecordingRequests()
            await pbx.core.setRecordingService(service)
            let record = try await pbx.extensions.update(
                desk.number, with: ExtensionPatch(recordCalls: true, srtp: .mandatory))
            await pbx.core.extensionChanged(record)
            let answer = desk.sdp(port: 4002).replacingOccurrences(of: "RTP/AVP ", with: "RTP/SAVP ")
                .replacingOccurrences(
                    of: "a=sendrecv",
                    with:
                        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\na=sendrecv"
                )
            let call = try await pbx.establish(from: alice, to: desk, calleeAnswer: answer)
            try await pbx.settle(via: alice)
            #expect(call.session.srtpTerminations.count == 1)
            try await eventually("the recording asked for") { service.all.count == 1 }
            #expect(service.all.first.map { MusicOnHold.encodings.contains($0.calleeCodec.encoding) } == true)
            #expect(await pbx.core.callSnapshots().map(\.encrypted) == [true])
        }
    }

    @Test("nobody in the call records its calls: nothing asked")
    func nobodyRecords() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let service = RecordingRequests()
            await pbx.core.setRecordingService(service)
            try await recordCalls(of: Cast.carol.number, pbx)
            _ = try await pbx.establish(from: alice, to: desk)
            try await pbx.settle(via: alice)
            try await Task.sleep(for: .milliseconds(100))
            #expect(service.all.isEmpty, "neither extension records its calls")
        }
    }

    @Test("the caller records its calls")
    func callerRecords() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let service = RecordingRequests()
            await pbx.core.setRecordingService(service)
            try await recordCalls(of: Cast.carol.number, pbx)
            _ = try await pbx.establish(from: Cast.carol, to: desk)
            try await eventually("the caller's recording asked for") { service.all.count == 1 }
            #expect(service.all.first?.reason == "extension \(Cast.carol.number) records its calls")
            #expect(service.all.first?.caller == Cast.carol.number)
        }
    }

    /// A queue or menu hands its caller on to an agent's extension: the recording starts
    /// when that extension answers (a phone stands in for the menu here).
    @Test("a caller handed on to an extension that records is recorded from that answer, with that extension as callee")
    func handedOnToARecordingExtension() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let service = RecordingRequests()
            await pbx.core.setRecordingService(service)
            try await recordCalls(of: Cast.carol.number, pbx)
            try await pbx.register(Cast.carol)
            let call = try await pbx.establish(from: alice, to: desk)
            try await pbx.settle(via: alice)
            #expect(service.all.isEmpty)
            #expect(await pbx.core.handOn(callID: call.callee.callID, to: .extension(Cast.carol.number), step: "test"))
            let invite = try await pbx.outbound.request(.invite, to: Cast.carol.address)
            pbx.send(
                Cast.carol.respond(to: invite, status: 200, toTag: "carol-tag", sdp: Cast.carol.sdp(port: 4030)),
                from: Cast.carol)
            try await eventually("the recording asked for at carol's answer") { service.all.count == 1 }
            #expect(service.all.first?.callee == Cast.carol.number && service.all.first?.caller == alice.number)
        }
    }

    @Test("call.record: start on demand, pause and resume reach the relay's recording, and the call shows it; refusals")
    func recordingOnDemand() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let service = RecordingRequests()
            await pbx.core.setRecordingService(service)
            _ = try await pbx.establish(from: alice, to: desk)
            try await pbx.settle(via: alice)
            let id = try #require(await pbx.core.callSnapshots().first?.id)
            #expect(service.all.isEmpty)
            await #expect(throws: RecordingControlError.self) {
                try await pbx.core.controlRecording(callID: id, .pause, reason: "x")
            }
            await #expect(throws: RecordingControlError.self) {
                try await pbx.core.controlRecording(callID: UUID(), .start, reason: "x")
            }

            // Paused before the relay's tap is back: applied once it is.
            try await pbx.core.controlRecording(callID: id, .start, reason: "asked for by uid 0 (admin)")
            #expect(try await pbx.core.controlRecording(callID: id, .pause, reason: "x"))
            try await eventually("the recording asked for") { service.all.count == 1 }
            #expect(service.all.first?.reason == "asked for by uid 0 (admin)")
            try await eventually("the pause applied at the tap") { service.recording.all == [true] }
            #expect(await pbx.core.callSnapshots().first?.recording == "paused")
            #expect(try await pbx.core.controlRecording(callID: id, .resume, reason: "x") == false)
            #expect(service.recording.all == [true, false])
            #expect(await pbx.core.callSnapshots().first?.recording == "on")
            await #expect(throws: RecordingControlError.self) {
                try await pbx.core.controlRecording(callID: id, .start, reason: "x")
            }
            #expect(service.all.count == 1)
        }
    }

    /// Alice dials 800, routed to room `team` with `settings`; the conference application
    /// answers (as the engine's would); her call is answered.
    private func callIntoTheRoom(_ pbx: PBXHarness, settings: ConferenceRoomSettings) async throws {
        var plan = DialPlan(routes: ["800": .conference("team")])
        plan.conferenceRooms = ["team": settings]
        await pbx.core.setDialPlan(plan)
        let callerInvite = try await pbx.placeCall(from: alice, to: "800", sdp: alice.sdp())
        let invite = try await pbx.outbound.request(.invite, to: Application.peer)
        #expect(invite.uri.user == "conf-team")
        pbx.answerAsApplication(invite, sdp: desk.sdp(port: 4060), tag: "room")
        let callerOK = try await pbx.outbound.response(200, .invite, to: alice.address)
        let dialog = try PhoneDialog(caller: alice, invite: callerInvite, ok: callerOK)
        pbx.send(dialog.ack(inviteCSeq: try callerInvite.headers.cseq().number), from: alice)
        try await pbx.settle(via: alice)
    }

    @Test(
        "a caller's call in a room is not recorded by itself, whether the room records (one file of the mix: RoomRecorder) or not; on request it is"
    )
    func recordedConferenceRoom() async throws {
        for settings in [ConferenceRoomSettings(recordCalls: true), ConferenceRoomSettings()] {
            try await PBXHarness.run(Cast.everyone) { pbx in
                let service = RecordingRequests()
                await pbx.core.setRecordingService(service)
                try await callIntoTheRoom(pbx, settings: settings)
                let id = try #require(await pbx.core.callSnapshots().first?.id)
                try await Task.sleep(for: .milliseconds(100))
                #expect(service.all.isEmpty, "\(settings)")
                // On request it is, as any answered call.
                try await pbx.core.controlRecording(callID: id, .start, reason: "asked")
                try await eventually("the recording asked for") { service.all.count == 1 }
            }
        }
    }

    @Test("an extension that records its calls is recorded in a room too; other applications (voicemail) still are not")
    func recordingExtensionInARoom() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let service = RecordingRequests()
            await pbx.core.setRecordingService(service)
            try await recordCalls(of: alice.number, pbx)
            try await callIntoTheRoom(pbx, settings: ConferenceRoomSettings())
            try await eventually("the recording asked for") { service.all.count == 1 }
            #expect(service.all.first?.reason == "extension \(alice.number) records its calls")
        }
        try await PBXHarness.run(Cast.everyone) { pbx in
            let service = RecordingRequests()
            await pbx.core.setRecordingService(service)
            try await recordCalls(of: alice.number, pbx)
            _ = try await pbx.placeCall(from: alice, to: "*97", sdp: alice.sdp())
            let invite = try await pbx.outbound.request(.invite, to: Application.peer)
            pbx.answerAsApplication(invite, sdp: desk.sdp(port: 4060))
            _ = try await pbx.outbound.response(200, .invite, to: alice.address)
            try await Task.sleep(for: .milliseconds(100))
            #expect(service.all.isEmpty)
        }
    }
}
