import VPBXMedia
import VPBXRTP

/// A conference room (`conf:NAME`): the caller is answered, joins the room (a short tone says
/// so) and hears everyone else in it; `*` mutes and unmutes the caller (one tone muted, two
/// unmuted). The caller leaves by hanging up.
///
/// The others hear a rising pair of tones when a caller joins, a falling pair when one leaves
/// (``ConferenceMixer``); a caller alone in the room hears the hold music. Tones rather than
/// prompts: what they say needs no translation. Not yet: a PIN, a moderator.
struct ConferenceApplication {
    let room: String
    let caller: String
    let rooms: ConferenceRooms
    /// The hold music, heard by a caller alone in the room.
    let music: @Sendable () -> [Int16]

    /// The join tone: 1 kHz, 200 ms.
    static let joined: [PlayItem] = [.tone(.beep(milliseconds: 200), bargeIn: false)]
    static let muted: [PlayItem] = [.tone(Tone(frequencies: [600], level: -10, cadence: .once(milliseconds: 200)), bargeIn: false)]
    static let unmuted: [PlayItem] = [
        .tone(Tone(frequencies: [600], level: -10, cadence: .once(milliseconds: 120)), bargeIn: false),
        .silence(milliseconds: 80, bargeIn: false),
        .tone(Tone(frequencies: [600], level: -10, cadence: .once(milliseconds: 120)), bargeIn: false),
    ]

    func run(on channel: any MediaChannel) async -> ApplicationOutcome {
        let port = rooms.join(room, caller: caller, waitingMusic: music())
        await channel.connect(to: port)
        _ = await channel.play(Self.joined)
        var isMuted = false
        // The stream ends when the channel closes: the caller hung up.
        for await digit in channel.digits where digit == .star {
            isMuted.toggle()
            port.setMuted(isMuted)
            _ = await channel.play(isMuted ? Self.muted : Self.unmuted)
        }
        await channel.connect(to: nil)
        rooms.leave(room, port)
        return .callerLeft
    }
}
