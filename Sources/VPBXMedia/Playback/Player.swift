import VPBXRTP

/// Plays a sequence of items as 20 ms frames, and stops early on a DTMF key when the current
/// item allows barge-in.
///
/// Fed two events, "the next frame is due" and "a key was pressed", it returns what to do; the
/// owner sends the frames and tells the application the outcome. Each item ends on a frame
/// boundary (its last frame padded with silence), so items never share a frame.
public struct Player: Sendable {
    /// What the owner does next.
    public enum Action: Sendable, Equatable {
        /// Send these 160 samples.
        case play([Int16])
        /// Every item has been played; the player stays finished.
        case finished
        /// A key stopped playback (only returned once, from `receive(_:)`).
        case interrupted(DTMFDigit)
    }

    private enum State: Sendable {
        case playing(item: Int, cursor: Cursor)
        case finished
        case interrupted(DTMFDigit)
    }

    /// Where the current item is.
    private enum Cursor: Sendable {
        case samples(offset: Int)
        case tone(ToneGenerator, remaining: Int?)
        case silence(remaining: Int)
    }

    /// What is played, in order.
    public let items: [PlayItem]
    private var state: State

    /// A player positioned at the start of the first item.
    public init(_ items: [PlayItem]) {
        self.items = items
        state = .finished
        state = start(at: 0)
    }

    /// Whether playback is over (finished or interrupted).
    public var isDone: Bool {
        if case .playing = state { return false }
        return true
    }

    /// The index of the item being played, nil when done.
    public var currentItem: Int? {
        if case .playing(let item, _) = state { return item }
        return nil
    }

    /// The next frame, or `.finished` once everything is played (also after an interruption).
    public mutating func nextFrame() -> Action {
        while case .playing(let item, let cursor) = state {
            if let (frame, next) = Self.frame(items[item].source, cursor) {
                state = .playing(item: item, cursor: next)
                return .play(frame)
            }
            state = start(at: item + 1)
        }
        return .finished
    }

    /// A key was pressed: `.interrupted` when the current item allows barge-in, nil when the
    /// key is ignored (no barge-in, or playback already over).
    public mutating func receive(_ digit: DTMFDigit) -> Action? {
        guard case .playing(let item, _) = state, items[item].bargeIn else { return nil }
        state = .interrupted(digit)
        return .interrupted(digit)
    }

    private func start(at index: Int) -> State {
        guard index < items.count else { return .finished }
        let cursor: Cursor
        switch items[index].source {
        case .samples: cursor = .samples(offset: 0)
        case .tone(let tone, let milliseconds):
            cursor = .tone(ToneGenerator(tone), remaining: milliseconds.map { AudioFormat.samples(milliseconds: $0) })
        case .silence(let milliseconds): cursor = .silence(remaining: AudioFormat.samples(milliseconds: milliseconds))
        }
        return .playing(item: index, cursor: cursor)
    }

    /// The next frame of an item and its advanced cursor; nil when the item is over.
    private static func frame(_ source: PlayItem.Source, _ cursor: Cursor) -> ([Int16], Cursor)? {
        let size = AudioFormat.frameSamples
        switch (source, cursor) {
        case (.samples(let samples), .samples(let offset)):
            guard offset < samples.count else { return nil }
            var frame = Array(samples[offset..<min(offset + size, samples.count)])
            if frame.count < size { frame += [Int16](repeating: 0, count: size - frame.count) }
            return (frame, .samples(offset: offset + size))
        case (_, .tone(var generator, let remaining)):
            if let remaining, remaining <= 0 { return nil }
            guard let frame = generator.nextFrame() else { return nil }
            return (frame, .tone(generator, remaining: remaining.map { $0 - size }))
        case (_, .silence(let remaining)):
            guard remaining > 0 else { return nil }
            return ([Int16](repeating: 0, count: size), .silence(remaining: remaining - size))
        default:
            preconditionFailure("a cursor always matches its item's source")
        }
    }
}
