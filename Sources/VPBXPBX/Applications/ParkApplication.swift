import Foundation
import VPBXMedia

/// Holds a parked call (`*70`, `*703`): the caller transferred here is answered, put on a slot
/// of the ``ParkingLot`` and hears the music on hold until a phone dials the slot (the core
/// then takes the call from this application, whose leg gets BYE) or the lot's time runs
/// out: then the extension that parked it rings, with ringback, as Asterisk's
/// `comebacktoorigin` does, and its voicemail takes the call if it has one and nobody
/// answers. A slot already taken, or a full lot, rings the parker back at once: a parked
/// caller is never dropped for want of a slot.
struct ParkApplication: Sendable {
    let parker: String
    let requestedSlot: Int?
    let caller: QueueCaller
    let lot: ParkingLot
    /// The music on hold, 8 kHz samples, looped.
    let music: [Int16]

    private enum Event: Sendable {
        case timeUp
        case callerGone
    }

    func run(
        on channel: any MediaChannel, handOn: @Sendable (Destination, String) async -> HandOnResult?
    ) async -> ApplicationOutcome {
        guard let callID = UUID(uuidString: caller.callID),
            let slot = lot.park(
                requested: requestedSlot, callID: callID, applicationCallID: caller.applicationCallID,
                caller: caller.number, callerName: caller.name, parker: parker)
        else {
            let wanted = requestedSlot.map { "slot-\($0)-taken" } ?? "lot-full"
            return await ringParker(handOn, step: "park=\(wanted)")
        }
        let (events, input) = AsyncStream<Event>.makeStream()
        let gone = Task {
            for await _ in channel.digits {}
            input.yield(.callerGone)  // the channel closed: picked up (the core's BYE) or the caller hung up
        }
        let timer = Task {
            try? await Task.sleep(for: .seconds(lot.timeoutSeconds))
            if !Task.isCancelled { input.yield(.timeUp) }
        }
        let playing = playMusic(on: channel)
        defer {
            gone.cancel()
            timer.cancel()
            playing.cancel()
        }
        for await event in events {
            switch event {
            case .callerGone:
                // Picked up, the core claimed it already: this finds nothing.
                lot.claim(applicationCallID: caller.applicationCallID, because: .callerLeft)
                return .callerLeft
            case .timeUp:
                // A phone picking the call up right now has claimed it: its BYE comes next.
                guard lot.claim(applicationCallID: caller.applicationCallID, because: .timeout) != nil else { continue }
                await channel.stopPlayback()
                playing.cancel()
                _ = await playing.value
                return await ringParker(handOn, step: "park:\(slot)=timeout")
            }
        }
        return .callerLeft
    }

    /// Rings the extension that parked the call; when that does not work out (no phone, and
    /// no voicemail behind it), the call ends.
    private func ringParker(
        _ handOn: @Sendable (Destination, String) async -> HandOnResult?, step: String
    ) async -> ApplicationOutcome {
        switch await handOn(.extension(parker), step) {
        case .connected, .callEnded: return .handedOn
        case .failed, nil: return .hangup(step: step + "-unanswered")
        }
    }

    /// The music in a loop (silence when there is none), until cancelled or the channel closes.
    private func playMusic(on channel: any MediaChannel) -> Task<Void, Never> {
        let items: [PlayItem] =
            music.isEmpty ? [.silence(milliseconds: 1000, bargeIn: false)] : [.prompt(music, bargeIn: false)]
        return Task {
            while !Task.isCancelled, await channel.play(items) == .finished {}
        }
    }
}
