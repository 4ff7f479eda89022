import Foundation
import VPBXMedia

/// Leaving a message: runs `VoicemailDeposit` on a channel. The steps are sequential (greeting,
/// beep, recording), so this runner simply awaits each; a caller hanging up during the
/// recording ends it, and what was recorded is still kept.
struct VoicemailDepositApplication: Sendable {
    let mailbox: String
    let busy: Bool
    let caller: String
    let callID: String
    let service: any VoicemailService
    let prompts: any PromptProvider
    let language: String

    /// Stands for the owner's recorded greeting in the deposit's prompt list.
    static let ownGreeting = "own-greeting"

    func run(on channel: any MediaChannel) async -> ApplicationOutcome {
        guard let settings = try? await service.mailbox(mailbox), settings.enabled else {
            _ = await channel.play(await prompts.items(["goodbye"], language: language, bargeIn: false))
            return .hangup(step: "vm:\(mailbox)=none")
        }
        let kind: VoicemailMailbox.Greeting = busy ? .busy : .unavailable
        let greeting = (try? await service.greeting(mailbox: mailbox, kind: kind)) ?? nil
        var deposit = VoicemailDeposit(
            settings: .init(
                mailbox: mailbox, customGreeting: greeting == nil ? nil : Self.ownGreeting,
                maximumSeconds: settings.maximumMessageSeconds),
            reason: busy ? .busy : .unavailable)
        var recording: Recording?
        var pending: [VoicemailDeposit.Event] = [.start]
        while !pending.isEmpty {
            let event = pending.removeFirst()
            for action in deposit.handle(event) {
                switch action {
                case .play(let names, let bargeIn):
                    var items: [PlayItem] = []
                    for name in names {
                        if name == Self.ownGreeting, let greeting {
                            items.append(.prompt(greeting, bargeIn: bargeIn))
                        } else {
                            items += await prompts.items([name], language: language, bargeIn: bargeIn)
                        }
                    }
                    switch await channel.play(items) {
                    case .finished: pending.append(.playbackFinished)
                    case .interrupted(let digit): pending.append(.key(digit.rawValue))
                    case .closed: if recording == nil { return .callerLeft }
                    case .stopped: break
                    }
                case .stopPlayback:
                    await channel.stopPlayback()
                case .playBeep:
                    guard await channel.play([.tone(.beep(), bargeIn: false)]) != .closed else { return .callerLeft }
                    pending.append(.playbackFinished)
                case .record(let maximumSeconds):
                    let result = await channel.record(RecorderConfiguration(maximumMilliseconds: maximumSeconds * 1000))
                    recording = result
                    pending.append(
                        .recordingStopped(
                            seconds: Double(result.durationMilliseconds) / 1000, callerHungUp: result.reason == .stopped
                        ))
                case .save:
                    guard let recording else { break }
                    do {
                        try await service.store(
                            mailbox: mailbox, caller: caller, callerName: nil, callID: callID,
                            samples: recording.samples,
                            receivedAt: Date())
                    } catch {
                        // The service logs the reason (disk full, store down); the caller is told goodbye.
                        return .hangup(step: "vm:\(mailbox)=failed")
                    }
                case .discard:
                    break
                case .hangup(let step):
                    return .hangup(step: step)
                }
            }
        }
        return .callerLeft
    }
}

/// The mailbox menu (`*97`, `*98`): runs `VoicemailMailbox` on a channel, with keys, timers and
/// playback reported back as events.
struct MailboxApplication: Sendable {
    let own: String?
    let service: any VoicemailService
    let prompts: any PromptProvider
    let language: String

    func run(on channel: any MediaChannel) async -> ApplicationOutcome {
        let (events, input) = AsyncStream<VoicemailMailbox.Event>.makeStream()
        let keys = Task {
            for await digit in channel.digits { input.yield(.key(digit.rawValue)) }
            input.finish()
        }
        defer { keys.cancel() }
        var runner = ActionRunner(
            channel: channel, prompts: prompts, language: language, input: input,
            finished: VoicemailMailbox.Event.playbackFinished, key: { .key($0) }, timer: .timerFired)
        defer { runner.cancelAll() }
        var box = VoicemailMailbox(mailbox: own, requiresPIN: own == nil)
        var mailbox = own ?? ""
        var lastRecording: [Int16] = []
        input.yield(.start)
        for await event in events {
            let actions = box.handle(event)
            for (index, action) in actions.enumerated() {
                switch action {
                case .play(let names):
                    if case .hangup = actions.dropFirst(index + 1).first {
                        await runner.playToEnd(names)
                    } else {
                        await runner.play(names)
                    }
                case .playMessage(let id):
                    let audio = (try? await service.audio(messageID: id)) ?? nil
                    runner.play(items: [.prompt(audio ?? [])])
                case .stopPlayback: await runner.stopPlayback()
                case .playBeep: runner.play(items: [.tone(.beep(), bargeIn: false)])
                case .startTimer(let seconds): runner.startTimer(seconds: seconds)
                case .cancelTimer: runner.cancelTimer()
                case .verifyPIN(let number, let pin):
                    mailbox = number
                    input.yield(.pinChecked((try? await service.verifyPIN(mailbox: number, pin: pin)) ?? false))
                case .loadMailbox(let number):
                    mailbox = number
                    let exists = ((try? await service.mailbox(number)) ?? nil) != nil
                    let messages = exists ? (try? await service.messages(mailbox: number)) : nil
                    input.yield(.mailboxLoaded(messages))
                case .markHeard(let id):
                    try? await service.markHeard(messageID: id)
                case .delete(let id):
                    try? await service.delete(messageID: id)
                case .record(let maximumSeconds):
                    let recorded = await channel.record(
                        RecorderConfiguration(maximumMilliseconds: maximumSeconds * 1000))
                    lastRecording = recorded.samples
                    input.yield(.recordingStopped(seconds: Double(recorded.durationMilliseconds) / 1000))
                case .saveGreeting(let kind):
                    try? await service.saveGreeting(mailbox: mailbox, kind: kind, samples: lastRecording)
                case .hangup(let step):
                    return .hangup(step: step)
                }
            }
        }
        return .callerLeft
    }
}
