import VPBXMedia
import VPBXRTP

/// A conference room (`conf:NAME`): the caller is answered, keys in the room's PIN if it has
/// one (three tries, as a voicemail PIN), joins the room (a short tone says so) unless it is
/// full, and hears everyone else in it; `*` mutes and unmutes the caller (one tone muted,
/// two unmuted). The caller leaves by hanging up.
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
        if let pin = settings?.pin {
            var admitted = false
            for _ in 0..<Self.pinAttempts where !admitted {
                guard let keyed = await keypad.ask("conf-enter-pin") else { return .callerLeft }
                admitted = keyed == pin
                if !admitted {
                    _ = await channel.play(await prompts.items(["vm-wrong-pin"], language: language, bargeIn: false))
                }
            }
            guard admitted else { return await keypad.say(["goodbye"], then: "conf:\(room)=pin-refused") }
        }
        guard let port = rooms.join(room, caller: caller, limit: settings?.maximumParticipants, waitingMusic: music()) else {
            return await keypad.say(["conf-full", "goodbye"], then: "conf:\(room)=full")
        }
        await channel.connect(to: port)
        _ = await channel.play(Self.joined)
        // Nil when the channel closes: the caller hung up.
        while let key = await keypad.nextKey() {
            guard key == "*" else { continue }
            // The mixer's state, not a copy: a moderator may have muted the caller meanwhile.
            let isMuted = !port.isMuted
            port.setMuted(isMuted)
            _ = await channel.play(isMuted ? Self.muted : Self.unmuted)
        }
        await channel.connect(to: nil)
        rooms.leave(room, port)
        return .callerLeft
    }
}
