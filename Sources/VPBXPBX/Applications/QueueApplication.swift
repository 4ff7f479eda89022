import VPBXMedia

/// Holds one caller in an ACD queue: answers, plays the music on hold in a loop, announces the
/// caller's position every so often, rings the agents the queue chooses (the music goes on
/// while they ring) and leaves when the queue says so (overflow, a full or empty queue, the
/// exit key).
struct QueueApplication: Sendable {
    let queue: String
    let caller: QueueCaller
    let service: any QueueService
    let prompts: any PromptProvider
    let language: String
    /// The music on hold of a class (nil: the default), 8 kHz samples, played from the start
    /// and looped.
    let music: @Sendable (String?) -> [Int16]

    private enum Event: Sendable {
        case instruction(QueueInstruction)
        case key(Character)
        case musicEnded
        case announce
        case callerGone
    }

    /// - Parameters:
    ///   - ringAgents: rings extensions for the caller and waits until that settles (nil: the
    ///     core could not ring any of them).
    ///   - handOn: sends the caller to a destination with ringback and waits until it settles.
    func run(
        on channel: any MediaChannel,
        ringAgents: @Sendable ([String], Int, String) async -> HandOnResult?,
        handOn: @Sendable (Destination, String) async -> HandOnResult?
    ) async -> ApplicationOutcome {
        guard let join = await service.join(queue: queue, caller: caller) else {
            return .hangup(step: "queue:\(queue)=missing")
        }
        let (events, input) = AsyncStream<Event>.makeStream()
        let keys = Task {
            for await digit in channel.digits { input.yield(.key(digit.rawValue)) }
            input.yield(.callerGone)  // the channel closed: the caller hung up
        }
        let orders = Task {
            for await instruction in join.instructions { input.yield(.instruction(instruction)) }
        }
        let announcer = join.announcementIntervalSeconds.map { seconds in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(seconds))
                    if !Task.isCancelled { input.yield(.announce) }
                }
            }
        }
        let tune = self.music(join.musicClass)
        var music = startMusic(tune, on: channel, input: input)
        defer {
            keys.cancel()
            orders.cancel()
            announcer?.cancel()
            music.cancel()
        }

        for await event in events {
            switch event {
            case .callerGone:
                await service.callerLeft(caller.callID)
                return .callerLeft
            case .musicEnded:
                music = startMusic(tune, on: channel, input: input)
            case .key(let key):
                if key == join.exitDigit { await service.exitKeyPressed(caller.callID) }
            case .announce:
                guard let position = await service.position(of: caller.callID) else { break }
                await channel.stopPlayback()
                _ = await music.value
                let outcome = await channel.play(await prompts.items(announcement(position), language: language, bargeIn: false))
                if outcome == .closed { continue }
                music = startMusic(tune, on: channel, input: input)
            case .instruction(.ring(let offer, let extensions, let timeout)):
                let result = await ringAgents(extensions, timeout, "queue:\(queue)=offer")
                await service.offerSettled(caller: caller.callID, offer: offer, result: result)
                switch result {
                case .connected, .callEnded: return .handedOn
                case .failed, nil: break  // the music never stopped; the queue goes on
                }
            case .instruction(.leave(let destination, let reason)):
                await channel.stopPlayback()
                _ = await music.value
                let step = "queue:\(queue)=\(reason)"
                if let destination {
                    switch await handOn(destination, step) {
                    case .connected, .callEnded: return .handedOn
                    case .failed, nil: break
                    }
                }
                // No destination (or it failed): the busy tone, then hang up.
                _ = await channel.play([.tone(.busy, milliseconds: 3000, bargeIn: false)])
                return .hangup(step: step)
            }
        }
        return .callerLeft
    }

    /// "You are number N in the queue[, your expected waiting time is M minutes]."
    func announcement(_ position: QueuePosition) -> [String] {
        var names = ["queue-you-are-number"] + Self.numberPrompts(position.position) + ["queue-in-queue"]
        if let seconds = position.expectedWaitSeconds, seconds >= 60 {
            let minutes = min(20, (seconds + 30) / 60)
            names += ["queue-expected-wait"] + Self.numberPrompts(minutes) + [minutes == 1 ? "queue-minute" : "queue-minutes"]
        }
        return names
    }

    /// The prompts `num-0` ... `num-20` cover positions up to 20; beyond that "20" is said
    /// (the caller learns the queue is long, which is what matters).
    static func numberPrompts(_ number: Int) -> [String] {
        ["num-\(min(max(number, 0), 20))"]
    }

    private func startMusic(
        _ music: [Int16], on channel: any MediaChannel, input: AsyncStream<Event>.Continuation
    ) -> Task<Void, Never> {
        Task {
            guard !music.isEmpty else { return }
            if await channel.play([.prompt(music, bargeIn: false)]) == .finished { input.yield(.musicEnded) }
        }
    }
}
