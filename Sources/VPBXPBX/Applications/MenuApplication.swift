import VPBXMedia

/// Runs one caller through an IVR menu: executes `MenuSession`'s actions on a media channel
/// (prompts, keys, timers) until the caller is handed on or the session hangs up.
struct MenuApplication: Sendable {
    let menu: MenuDefinition
    let extensions: Set<String>
    let prompts: any PromptProvider
    let language: String

    /// - Parameter handOn: sends the caller to a destination and waits until that is settled
    ///   (the caller hears ringback meanwhile); nil when the core cannot route there. A
    ///   destination that fails brings the caller back here: the session hears
    ///   `destinationFailed` and plays the menu again, within its attempts.
    func run(
        on channel: any MediaChannel, handOn: @Sendable (Destination, String) async -> HandOnResult?
    ) async -> ApplicationOutcome {
        let (events, input) = AsyncStream<MenuSession.Event>.makeStream()
        let keys = Task {
            for await digit in channel.digits { input.yield(.key(digit.rawValue)) }
            input.finish()  // the channel closed: the caller is gone
        }
        defer { keys.cancel() }
        var runner = ActionRunner(
            channel: channel, prompts: prompts, language: language, input: input,
            finished: MenuSession.Event.playbackFinished,
            key: { .key($0) }, timer: .timerFired)
        defer { runner.cancelAll() }
        var session = MenuSession(menu: menu, extensions: extensions)
        input.yield(.start)
        for await event in events {
            let actions = session.handle(event)
            for (index, action) in actions.enumerated() {
                switch action {
                case .play(let names):
                    if case .hangup = actions.dropFirst(index + 1).first {
                        await runner.playToEnd(names)  // the goodbye before hanging up
                    } else {
                        await runner.play(names)
                    }
                case .stopPlayback: await runner.stopPlayback()
                case .startTimer(let seconds): runner.startTimer(seconds: seconds)
                case .cancelTimer: runner.cancelTimer()
                case .route(let destination, let step):
                    switch await handOn(destination, step) {
                    case nil: return .hangup(step: step)
                    case .connected, .callEnded: return .handedOn
                    case .failed(let busy): input.yield(.destinationFailed(busy: busy))
                    }
                case .hangup(let step): return .hangup(step: step)
                }
            }
        }
        return .callerLeft
    }
}

/// Playback and timers for an application's state machine, reporting back as events: one
/// playback at a time, one timer at a time (a new one replaces the old).
struct ActionRunner<Event: Sendable>: Sendable {
    let channel: any MediaChannel
    let prompts: any PromptProvider
    let language: String
    let input: AsyncStream<Event>.Continuation
    /// The events that report a playback's end, a key, the timer.
    let finished: Event
    let key: @Sendable (Character) -> Event
    let timer: Event
    private var playback: Task<Void, Never>?
    private var timerTask: Task<Void, Never>?

    init(
        channel: any MediaChannel, prompts: any PromptProvider, language: String,
        input: AsyncStream<Event>.Continuation,
        finished: Event, key: @escaping @Sendable (Character) -> Event, timer: Event
    ) {
        self.channel = channel
        self.prompts = prompts
        self.language = language
        self.input = input
        self.finished = finished
        self.key = key
        self.timer = timer
    }

    /// Starts playing prompts; reports `finished` or the interrupting key through `input`.
    mutating func play(_ names: [String]) async {
        play(items: await prompts.items(names, language: language, bargeIn: true))
    }

    /// Starts playing `items` (a message, a beep); reports like `play(_:)`.
    mutating func play(items: [PlayItem]) {
        playback?.cancel()
        let (channel, input, finished, key) = (channel, input, finished, key)
        playback = Task {
            switch await channel.play(items) {
            case .finished: input.yield(finished)
            case .interrupted(let digit): input.yield(key(digit.rawValue))
            case .stopped, .closed: break
            }
        }
    }

    /// Plays without barge-in and waits for the end (a goodbye).
    func playToEnd(_ names: [String]) async {
        let items = await prompts.items(names, language: language, bargeIn: false)
        _ = await channel.play(items)
    }

    func stopPlayback() async { await channel.stopPlayback() }

    mutating func startTimer(seconds: Int) {
        timerTask?.cancel()
        let (input, timer) = (input, timer)
        timerTask = Task {
            try? await Task.sleep(for: .seconds(seconds))
            if !Task.isCancelled { input.yield(timer) }
        }
    }

    mutating func cancelTimer() {
        timerTask?.cancel()
        timerTask = nil
    }

    func cancelAll() {
        playback?.cancel()
        timerTask?.cancel()
    }
}
