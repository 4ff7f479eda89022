import VPBXMedia

/// Reads what a caller keys in on the phone's keypad for an application that asks for a
/// number or a PIN: a prompt (a key cuts it short and counts as the first digit), then
/// digits until `#` or a pause. One reader a call, for the call's whole life: the channel's
/// keys are one stream, which ends for good when its reader is cancelled (``stop()`` only
/// when the application is done).
struct KeypadReader {
    private enum Event: Sendable {
        case key(Character)
        case timeout(Int)
        /// Something outside the keypad that the application waits for too (``signal``).
        case signal
        case gone
    }

    /// What ``nextKeyOrSignal()`` brought.
    enum Awaited: Equatable {
        case key(Character)
        case signal
    }

    private let channel: any MediaChannel
    private let prompts: any PromptProvider
    private let language: String
    private let keyTimeoutSeconds: Int
    private let input: AsyncStream<Event>.Continuation
    private var events: AsyncStream<Event>.Iterator
    private let keys: Task<Void, Never>
    private var generation = 0

    init(channel: any MediaChannel, prompts: any PromptProvider, language: String, keyTimeoutSeconds: Int = 6) {
        self.channel = channel
        self.prompts = prompts
        self.language = language
        self.keyTimeoutSeconds = keyTimeoutSeconds
        let (stream, input) = AsyncStream<Event>.makeStream()
        self.input = input
        self.events = stream.makeAsyncIterator()
        keys = Task {
            for await digit in channel.digits { input.yield(.key(digit.rawValue)) }
            input.yield(.gone)
        }
    }

    func stop() { keys.cancel() }

    /// Wakes ``nextKeyOrSignal()`` with `.signal`, from anywhere (a conference room ending).
    var signal: @Sendable () -> Void { { [input] in input.yield(.signal) } }

    /// Plays `prompt`, then collects up to 16 digits until `#` or a pause of
    /// `keyTimeoutSeconds`. Empty when the caller keyed nothing; nil when the caller hung up.
    mutating func ask(_ prompt: String) async -> String? {
        var digits = ""
        switch await channel.play(await prompts.items([prompt], language: language, bargeIn: true)) {
        case .closed: return nil
        case .interrupted(let digit):
            if digit.rawValue == "#" { return digits }
            digits.append(digit.rawValue)
        case .finished, .stopped: break
        }
        while true {
            generation += 1
            let current = generation
            let timer = Task { [input, keyTimeoutSeconds] in
                try? await Task.sleep(for: .seconds(keyTimeoutSeconds))
                if !Task.isCancelled { input.yield(.timeout(current)) }
            }
            let event = await events.next()
            timer.cancel()
            switch event {
            case .gone, nil: return nil
            case .timeout(let fired) where fired == current: return digits
            case .timeout, .signal: continue
            case .key("#"): return digits
            case .key(let key) where key.isNumber && digits.count < 16: digits.append(key)
            case .key: continue
            }
        }
    }

    /// The next key pressed, whenever that is; nil when the caller hung up.
    mutating func nextKey() async -> Character? {
        while true {
            switch await nextKeyOrSignal() {
            case nil: return nil
            case .signal: continue
            case .key(let key): return key
            }
        }
    }

    /// The next key pressed or ``signal``, whichever comes first; nil when the caller hung up.
    mutating func nextKeyOrSignal() async -> Awaited? {
        while true {
            switch await events.next() {
            case .gone, nil: return nil
            case .timeout: continue  // a pause timer of an earlier question
            case .signal: return .signal
            case .key(let key): return .key(key)
            }
        }
    }

    /// Plays `names` without barge-in, then the application ends with `step` (or the caller
    /// left meanwhile).
    func say(_ names: [String], then step: String) async -> ApplicationOutcome {
        let outcome = await channel.play(await prompts.items(names, language: language, bargeIn: false))
        return outcome == .closed ? .callerLeft : .hangup(step: step)
    }
}
