import Foundation
import VPBXMedia

/// Holds a parked call (`*70`, `*703`): the caller transferred here is answered, put on a slot
/// of the ``ParkingLot`` and hears the music on hold until a phone dials the slot (the core
/// then takes the call from this application, whose leg gets BYE) or the lot's time runs
/// out: then the extension that parked it rings, with ringback, as Asterisk's
/// `comebacktoorigin` does, and its voicemail takes the call if it has one and nobody
/// answers. When that fails too (no phone, no mailbox) the call goes back on the lot for
/// another round, up to ``ringBacks`` rings of the parker. A slot already taken, or a full
/// lot, rings the parker back at once: a parked caller is never dropped for want of a slot.
///
/// Called by the parker itself (the phone dials `*70` with its caller on hold, the way
/// attended transfer to Asterisk's 700 goes), it reserves a slot and says it ("parking slot
/// three"), again every few seconds, until the phone transfers its held caller here (the
/// core parks that call on the reserved slot, PBXCore+AttendedParking) or hangs up.
struct ParkApplication: Sendable {
    let parker: String
    let requestedSlot: Int?
    let caller: QueueCaller
    let lot: ParkingLot
    /// The music on hold, 8 kHz samples, looped.
    let music: [Int16]
    let prompts: any PromptProvider
    let language: String

    /// How long the parker's own call holds its slot without a transfer.
    static let reservationSeconds = 60

    /// How many times a call nobody takes rings its parker: each ring nobody answers (no phone,
    /// busy, no answer, no mailbox behind it) puts the call back on the lot for another
    /// `--park-timeout`; after the last the caller is hung up.
    static let ringBacks = 3

    private enum Event: Sendable {
        /// The time of the call's `round`th stay on the lot is up (an earlier round's timer
        /// that fired while the call rang somewhere is stale).
        case timeUp(round: Int)
        case callerGone
        /// A console asked for the call at this extension (``ParkingLot/requestPickup(callID:by:)``).
        case pickupRequested(String)
    }

    func run(
        on channel: any MediaChannel, handOn: @Sendable (Destination, String) async -> HandOnResult?
    ) async -> ApplicationOutcome {
        if caller.number == parker { return await holdSlot(on: channel) }
        guard let callID = UUID(uuidString: caller.callID), var slot = park(on: requestedSlot, callID: callID) else {
            let wanted = requestedSlot.map { "slot-\($0)-taken" } ?? "lot-full"
            return await ringParker(handOn, step: "park=\(wanted)")
        }
        let (events, input) = AsyncStream<Event>.makeStream()
        let gone = Task {
            for await _ in channel.digits {}
            input.yield(.callerGone)  // the channel closed: picked up (the core's BYE) or the caller hung up
        }
        var round = 1
        var timer = startTimer(round: round, input)
        var requests = listen(input)
        var playing = playMusic(on: channel)
        var ringBacks = 0
        defer {
            gone.cancel()
            timer.cancel()
            requests.cancel()
            playing.cancel()
        }
        for await event in events {
            let destination: String
            let step: String
            let timedOut: Bool
            switch event {
            case .callerGone:
                // Picked up, the core claimed it already: this finds nothing.
                lot.claim(applicationCallID: caller.applicationCallID, because: .callerLeft)
                return .callerLeft
            case .timeUp(let timerRound):
                // A phone picking the call up right now has claimed it: its BYE comes next.
                guard timerRound == round, claim(because: .timeout) else { continue }
                ringBacks += 1
                (destination, step, timedOut) = (parker, "park:\(slot)=timeout", true)
            case .pickupRequested(let extensionNumber):
                guard claim(because: .pickedUp) else { continue }
                (destination, step, timedOut) = (extensionNumber, "park:\(slot)=\(extensionNumber)", false)
            }
            await stop(playing, on: channel)
            switch await handOn(.extension(destination), step) {
            case .connected, .callEnded: return .handedOn
            case .failed, nil: break
            }
            // Nobody answered there: back on the lot for another round, on its slot while free.
            if timedOut, ringBacks >= Self.ringBacks { return .hangup(step: step + "-unanswered") }
            guard let again = park(on: slot, callID: callID) ?? park(on: nil, callID: callID) else {
                if timedOut { return .hangup(step: step + "-unanswered") }
                return await ringParker(handOn, step: "park:\(slot)=lot-full")
            }
            slot = again
            round += 1
            timer.cancel()
            timer = startTimer(round: round, input)
            requests.cancel()
            requests = listen(input)
            playing = playMusic(on: channel)
        }
        return .callerLeft
    }

    /// Takes the call off the lot; false when a pickup or the time-out took it first.
    private func claim(because departure: ParkingLot.Departure) -> Bool {
        lot.claim(applicationCallID: caller.applicationCallID, because: departure) != nil
    }

    /// Puts the caller on `requested` (nil: the first free slot); the slot, or nil.
    private func park(on requested: Int?, callID: UUID) -> Int? {
        lot.park(
            requested: requested, callID: callID, applicationCallID: caller.applicationCallID, caller: caller.number,
            callerName: caller.name, parker: parker)
    }

    /// The lot's time for one stay, then `.timeUp(round)`.
    private func startTimer(round: Int, _ input: AsyncStream<Event>.Continuation) -> Task<Void, Never> {
        Task {
            try? await Task.sleep(for: .seconds(lot.timeoutSeconds))
            if !Task.isCancelled { input.yield(.timeUp(round: round)) }
        }
    }

    /// Pickups asked for from the console, into the application's events.
    private func listen(_ input: AsyncStream<Event>.Continuation) -> Task<Void, Never> {
        let requests = lot.pickupRequests(applicationCallID: caller.applicationCallID)
        return Task {
            for await extensionNumber in requests { input.yield(.pickupRequested(extensionNumber)) }
        }
    }

    private func stop(_ playing: Task<Void, Never>, on channel: any MediaChannel) async {
        playing.cancel()
        await channel.stopPlayback()
        _ = await playing.value
    }

    /// The parker's own call: reserve a slot and say it until the transfer comes (the core
    /// then ends this call) or the phone hangs up; after ``reservationSeconds`` the slot
    /// goes back to the lot and the call ends.
    private func holdSlot(on channel: any MediaChannel) async -> ApplicationOutcome {
        guard
            let slot = lot.reserve(
                requested: requestedSlot, parker: parker, applicationCallID: caller.applicationCallID)
        else {
            _ = await channel.play(await prompts.items(["parking-full"], language: language, bargeIn: false))
            return .hangup(step: "park=" + (requestedSlot.map { "slot-\($0)-taken" } ?? "lot-full"))
        }
        defer { lot.cancelReservation(applicationCallID: caller.applicationCallID) }
        let announcement = await prompts.items(["park-slot"] + Self.slotPrompts(slot), language: language, bargeIn: false)
        let deadline = ContinuousClock.now + .seconds(Self.reservationSeconds)
        while ContinuousClock.now < deadline {
            if await channel.play(announcement) == .closed { return .callerLeft }
            if await channel.play([.silence(milliseconds: 3000, bargeIn: false)]) == .closed { return .callerLeft }
        }
        return .hangup(step: "park:\(slot)=not-transferred")
    }

    /// A slot's number as the catalog says it: up to 20 as one number, beyond digit by digit.
    static func slotPrompts(_ slot: Int) -> [String] {
        slot <= 20 ? ["num-\(slot)"] : String(slot).compactMap(\.wholeNumberValue).map { "num-\($0)" }
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
