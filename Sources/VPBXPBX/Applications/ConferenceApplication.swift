import VPBXMedia
import VPBXRTP

/// A conference room (`conf:NAME`): the caller is answered, keys in the room's PIN if it has
/// one (three tries, as a voicemail PIN), joins the room (a short tone says so) unless it is
/// full or locked, and hears everyone else in it; `*` mutes and unmutes the caller (one tone
/// muted, two unmuted). The caller leaves by hanging up.
///
/// A room with a leader PIN: the caller keying it is a leader, whose `1` mutes every other
/// participant (or unmutes them all, when all are muted), `2` locks or unlocks the room
/// (one tone locked, two unlocked) and `3` removes the participant who came in last
/// (`conf-removed`, then goodbye; one tone for the leader). A room that waits for its
/// leader has the others wait with music (`conf-wait-leader`), unheard; one that ends with
/// its leader says
/// `conf-ended` to the others when the last leader leaves and hangs up on them.
///
/// The others hear a rising pair of tones when a caller joins, a falling pair when one leaves
/// (``ConferenceMixer``); a caller alone in the room hears the hold music. Tones rather than
/// prompts inside the room: what they say needs no translation. A moderator (`vpbx conf
/// mute`) may mute and unmute a caller too; the caller's next `*` goes from that state.
struct ConferenceApplication {
    let room: String
    let caller: String
    let rooms: ConferenceRooms
    /// The room's PIN and limit; nil: an open room.
    let settings: ConferenceRoomSettings?
    let prompts: any PromptProvider
    let language: String
    /// The hold music, heard by a caller alone in the room.
    let music: @Sendable () -> [Int16]

    static let pinAttempts = 3

    /// The join tone: 1 kHz, 200 ms.
    static let joined: [PlayItem] = [.tone(.beep(milliseconds: 200), bargeIn: false)]
    static let muted: [PlayItem] = [.tone(Tone(frequencies: [600], level: -10, cadence: .once(milliseconds: 200)), bargeIn: false)]
    static let unmuted: [PlayItem] = [
        .tone(Tone(frequencies: [600], level: -10, cadence: .once(milliseconds: 120)), bargeIn: false),
        .silence(milliseconds: 80, bargeIn: false),
        .tone(Tone(frequencies: [600], level: -10, cadence: .once(milliseconds: 120)), bargeIn: false),
    ]

    func run(on channel: any MediaChannel) async -> ApplicationOutcome {
        var keypad = KeypadReader(channel: channel, prompts: prompts, language: language)
        defer { keypad.stop() }
        guard let asLeader = await admitted(&keypad, channel: channel) else {
            return await keypad.say(["goodbye"], then: "conf:\(room)=pin-refused")
        }
        let port: ConferencePort
        switch rooms.admit(
            room, caller: caller, asLeader: asLeader, settings: settings, waitingMusic: music(), ended: keypad.signal)
        {
        case .joined(let joined): port = joined
        case .full: return await keypad.say(["conf-full", "goodbye"], then: "conf:\(room)=full")
        case .locked: return await keypad.say(["conf-locked", "goodbye"], then: "conf:\(room)=locked")
        }
        await channel.connect(to: port)
        _ = await channel.play(Self.joined)
        let announcement = Self.announcement(waiting: port.isWaiting, others: rooms.participantCount(of: room) - 1)
        if !announcement.isEmpty {
            _ = await channel.play(await prompts.items(announcement, language: language, bargeIn: false))
        }
        // Nil when the channel closes: the caller hung up.
        while let awaited = await keypad.nextKeyOrSignal() {
            switch awaited {
            case .signal:
                // A leader removed the caller, or the room's last leader left a room that
                // ends with it.
                let removed = rooms.wasRemoved(port, from: room)
                await channel.connect(to: nil)
                rooms.leave(room, port)
                return removed
                    ? await keypad.say(["conf-removed", "goodbye"], then: "conf:\(room)=removed")
                    : await keypad.say(["conf-ended", "goodbye"], then: "conf:\(room)=ended")
            case .key("*"):
                // The mixer's state, not a copy: a moderator may have muted the caller meanwhile.
                let isMuted = !port.isMuted
                port.setMuted(isMuted)
                _ = await channel.play(isMuted ? Self.muted : Self.unmuted)
            case .key("1") where asLeader:
                if let othersMuted = rooms.toggleOthersMuted(by: port, in: room) {
                    _ = await channel.play(othersMuted ? Self.muted : Self.unmuted)
                }
            case .key("2") where asLeader:
                if let locked = rooms.toggleLocked(by: port, in: room) {
                    _ = await channel.play(locked ? Self.muted : Self.unmuted)
                }
            case .key("3") where asLeader:
                if rooms.removeLast(by: port, in: room) != nil { _ = await channel.play(Self.muted) }
            case .key: continue
            }
        }
        await channel.connect(to: nil)
        rooms.leave(room, port)
        return .callerLeft
    }

    /// What a caller hears on coming in, as ConfBridge says it: that it waits for the leader;
    /// that it is alone (it hears music next); or how many others are there (up to 20, the
    /// numbers the catalog speaks; a bigger room is announced by nothing).
    static func announcement(waiting: Bool, others: Int) -> [String] {
        if waiting { return ["conf-wait-leader"] }
        if others <= 0 { return ["conf-only-person"] }
        return others <= 20 ? ["conf-participants", "num-\(others)"] : []
    }

    /// Asks for the room's PIN (or its leader PIN) when it has one: whether the caller is a
    /// leader, or nil when three tries failed or the caller hung up. Without a PIN but with a
    /// leader PIN, `#` alone lets a caller in who leads nothing.
    private func admitted(_ keypad: inout KeypadReader, channel: any MediaChannel) async -> Bool? {
        let pin = settings?.pin
        let leaderPIN = settings?.leaderPIN
        guard pin != nil || leaderPIN != nil else { return false }
        for _ in 0..<Self.pinAttempts {
            let prompt = pin == nil ? "conf-enter-leader-pin" : "conf-enter-pin"
            guard let keyed = await keypad.ask(prompt) else { return nil }
            if let leaderPIN, keyed == leaderPIN { return true }
            if keyed == (pin ?? "") { return false }
            _ = await channel.play(await prompts.items(["vm-wrong-pin"], language: language, bargeIn: false))
        }
        return nil
    }
}
