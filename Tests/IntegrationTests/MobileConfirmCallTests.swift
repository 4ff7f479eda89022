import Foundation
import Testing
import VPBXControl
import VPBXMedia
import VPBXRTP

extension Integration {
    /// `--mobile-confirm on` against the real engine and a sipp provider: the answered mobile
    /// hears the prompt, its key (RFC 4733, sent by the test's ear behind the provider's SDP)
    /// decides whether it gets the call.
    @Suite("Mobile confirms its calls")
    struct MobileConfirmCallTests {
        /// The prompt as the test makes it: a tone no phone here sends.
        static let promptTone = 700
        static let ringbackTone = 425.0

        /// Extension 1002 made a mobile one ringing 06 30 999 8877 through a sipp provider,
        /// asked to confirm; no desk phone, so the mobile is all that rings.
        private func setUp(_ pbx: TestPBX, providerEar: RTPCapture) async throws -> SippProcess {
            try await Sox.sine(
                URL(fileURLWithPath: pbx.options.promptsDirectory).appendingPathComponent("hu/confirm-call.wav"),
                rate: 8000, channels: 1, seconds: 2, frequency: Self.promptTone, scratch: pbx.scratch)
            try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
            try await pbx.addExtension(Fixture.callee, password: Fixture.password(Fixture.callee))
            let provider = try await TrunkCallTests.provider(pbx, ear: providerEar)
            try await pbx.cli.succeed([
                "ext", "set", Fixture.callee, "--type", "mobile", "--mobile", "06 30 999 8877", "--mobile-confirm",
                "on",
            ])
            let shown = try await pbx.cli.json(ExtensionInfo.self, ["ext", "show", Fixture.callee])
            #expect(shown.mobileConfirm == true && shown.mobileNumber == "+36309998877")
            return provider
        }

        /// Waits until the mobile's ear hears the prompt; returns the engine's port it came from.
        private func promptHeard(by ear: RTPCapture) async throws -> UInt16 {
            try await eventually("the prompt heard by the mobile", timeout: .seconds(15)) {
                Goertzel.amplitude(of: Double(Self.promptTone), in: ear.receivedAudio) > 1000 ? ear.firstSource : nil
            }
        }

        /// The mobile's ear presses 1 (an RFC 4733 event, or `inBand` its tones in the audio);
        /// caller and mobile must hear each other (``TrunkCallTests/talk``) and the caller
        /// never the prompt; the console hangs up and both sipps must play their scenarios
        /// through.
        private func pressOneAndTalk(
            _ pbx: TestPBX, at enginePort: UInt16, inBand: Bool = false, ears: (caller: RTPCapture, mobile: RTPCapture),
            caller: SippProcess, provider: SippProcess
        ) async throws {
            if inBand {
                // A network that sends keys as tones in the audio.
                ears.mobile.pressInBand(.one, to: enginePort)
            } else {
                ears.mobile.press(.one, to: enginePort)
            }
            let call = try await TrunkCallTests.talk(pbx, callerEar: ears.caller, calleeEar: ears.mobile)
            // The prompt stopped with the key: the caller never heard it.
            #expect(Goertzel.amplitude(of: Double(Self.promptTone), in: ears.caller.receivedAudio) < 300)
            try await pbx.cli.succeed(["call", "hangup", call.id])
            let callerResult = await caller.finish()
            let providerResult = await provider.finish()
            ears.caller.stop()
            ears.mobile.stop()
            try callerResult.requireSuccess()
            try providerResult.requireSuccess()
        }

        @Test(
            "the answered mobile hears the prompt while the caller hears ringing; its 1 connects the call, audio both ways",
            arguments: [false, true])
        func pressingOne(inBand: Bool) async throws {
            try await TestPBX.run { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                let provider = try await setUp(pbx, providerEar: providerEar)
                let caller = try pbx.phone(.callListen).service(Fixture.callee).caller(Fixture.caller)
                    .key("rtp_listen", String(callerEar.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let callerProcess = try pbx.start(caller, name: "caller")

                let enginePort = try await promptHeard(by: providerEar)
                try await eventually("ringing to the caller", timeout: .seconds(5)) {
                    Goertzel.amplitude(of: Self.ringbackTone, in: callerEar.receivedAudio) > 1000
                }
                let ringing = try await pbx.liveCalls()
                #expect(ringing.count == 1 && ringing[0].state != "answered", "\(ringing.map(\.state))")

                try await pressOneAndTalk(
                    pbx, at: enginePort, inBand: inBand, ears: (callerEar, providerEar), caller: callerProcess,
                    provider: provider)
                let cdr = try await eventually("the finished record") {
                    let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                    return cdr.disposition == .answered ? cdr : nil
                }
                #expect(cdr.path?.contains("confirm:\(Fixture.callee)=accepted") == true, "\(cdr)")
            }
        }

        @Test(
            "through a menu: the menu's relay is lent to the mobile for the question, and after its 1 caller and mobile hear each other"
        )
        func throughAMenu() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                let provider = try await setUp(pbx, providerEar: providerEar)
                try await Sox.sine(
                    URL(fileURLWithPath: pbx.options.promptsDirectory).appendingPathComponent("hu/welcome.wav"),
                    rate: 8000, channels: 1, seconds: 4, frequency: 440, scratch: pbx.scratch)
                try await pbx.cli.succeed([
                    "ivr", "add", "main", "--greeting", "welcome", "--option", "1=ext:\(Fixture.callee)",
                ])
                try await pbx.cli.succeed(["route", "add", "200", "--to", "ivr:main"])
                // Answered by the menu, it presses 1 (SIP INFO) after 1.5 s and listens.
                let caller = try pbx.phone(.callListenInfo1).service("200").caller(Fixture.caller)
                    .key("rtp_listen", String(callerEar.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let callerProcess = try pbx.start(caller, name: "caller")

                let enginePort = try await promptHeard(by: providerEar)
                try await pressOneAndTalk(
                    pbx, at: enginePort, ears: (callerEar, providerEar), caller: callerProcess, provider: provider)
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "200")
                #expect(
                    cdr.path?.suffix(2) == ["ext:\(Fixture.callee)", "confirm:\(Fixture.callee)=accepted"], "\(cdr)")
            }
        }

        @Test("another key hangs the mobile up and the caller reaches the extension's own voicemail")
        func anotherKeyGoesToVoicemail() async throws {
            try await TestPBX.run { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                let provider = try await setUp(pbx, providerEar: providerEar)
                try await pbx.cli.succeed(["ext", "set", Fixture.callee, "--voicemail", "on", "--vm-pin", "4711"])
                let caller = try pbx.phone(.callListen).service(Fixture.callee).caller(Fixture.caller)
                    .key("rtp_listen", String(callerEar.port))
                    .credentials(user: Fixture.caller, password: Fixture.password(Fixture.caller))
                let callerProcess = try pbx.start(caller, name: "caller")

                let enginePort = try await promptHeard(by: providerEar)
                providerEar.press(.two, to: enginePort)
                // The provider's scenario ends with the engine's BYE.
                let providerResult = await provider.finish()
                try providerResult.requireSuccess()
                let call = try await eventually("the caller answered by voicemail", timeout: .seconds(10)) {
                    try await pbx.liveCalls().first { $0.state == "answered" }
                }
                try await pbx.cli.succeed(["call", "hangup", call.id])
                let callerResult = await callerProcess.finish()
                callerEar.stop()
                providerEar.stop()
                try callerResult.requireSuccess()
                let cdr = try await eventually("the finished record") {
                    let cdr = try await pbx.cdr(from: Fixture.caller, to: Fixture.callee)
                    return cdr.disposition == .answered ? cdr : nil
                }
                #expect(cdr.path?.first == "confirm:\(Fixture.callee)=refused", "\(cdr)")
                #expect(cdr.path?.contains { $0.hasPrefix("vm:") } == true, "\(cdr)")
            }
        }
    }
}
