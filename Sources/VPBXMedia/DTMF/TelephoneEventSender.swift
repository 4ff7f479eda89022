import VPBXRTP

/// Sends one DTMF key as RFC 4733 telephone-events: a start packet (marker set, duration 0),
/// an update every 50 ms with the growing duration, then the end packet three times, 20 ms
/// apart, all with the event's start timestamp.
///
/// Time is media time in samples at 8 kHz (the owner's frame clock); `advance(to:)` is called
/// as it runs and returns the packets that are due.
public struct TelephoneEventSender: Sendable {
    /// Samples between updates (RFC 4733 suggests 50 ms).
    public static let updateInterval = 400
    /// Samples between the end packet's retransmissions.
    public static let endRetransmitInterval = 160
    /// How often the final packet is sent (RFC 4733: three times).
    public static let endRepetitions = 3

    private enum State: Sendable {
        case idle
        case playing(Playing)
        case ending(Playing, sent: Int, nextAt: Int)
    }

    private struct Playing: Sendable {
        var digit: DTMFDigit
        var timestamp: UInt32
        var startedAt: Int
        var length: Int
        var volume: UInt8
        var nextUpdateAt: Int
    }

    private var state = State.idle

    /// An idle sender.
    public init() {}

    /// Whether no event is being sent (a new key may start).
    public var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    /// Starts `digit` at media time `now` for `samples` (default 100 ms, capped at the 16-bit
    /// duration field), stamped with the stream's current RTP `timestamp`. Returns the start
    /// packet, or nothing while another key is still being sent.
    public mutating func start(
        _ digit: DTMFDigit, samples: Int = 800, volume: UInt8 = 10, timestamp: UInt32, now: Int
    ) -> [TelephoneEventPacket] {
        guard isIdle else { return [] }
        let length = max(AudioFormat.frameSamples, min(samples, Int(UInt16.max)))
        let playing = Playing(
            digit: digit, timestamp: timestamp, startedAt: now, length: length, volume: volume,
            nextUpdateAt: now + Self.updateInterval)
        state = .playing(playing)
        return [packet(playing, duration: 0, end: false, marker: true)]
    }

    /// The packets due by media time `now`.
    public mutating func advance(to now: Int) -> [TelephoneEventPacket] {
        var out: [TelephoneEventPacket] = []
        while true {
            switch state {
            case .idle:
                return out
            case .playing(var playing):
                if now >= playing.startedAt + playing.length {
                    out.append(packet(playing, duration: playing.length, end: true, marker: false))
                    state = .ending(
                        playing, sent: 1, nextAt: playing.startedAt + playing.length + Self.endRetransmitInterval)
                } else if now >= playing.nextUpdateAt {
                    out.append(
                        packet(playing, duration: playing.nextUpdateAt - playing.startedAt, end: false, marker: false))
                    playing.nextUpdateAt += Self.updateInterval
                    state = .playing(playing)
                } else {
                    return out
                }
            case .ending(let playing, let sent, let nextAt):
                guard now >= nextAt else { return out }
                out.append(packet(playing, duration: playing.length, end: true, marker: false))
                state =
                    sent + 1 >= Self.endRepetitions
                    ? .idle : .ending(playing, sent: sent + 1, nextAt: nextAt + Self.endRetransmitInterval)
            }
        }
    }

    private func packet(_ playing: Playing, duration: Int, end: Bool, marker: Bool) -> TelephoneEventPacket {
        TelephoneEventPacket(
            event: TelephoneEvent(
                digit: playing.digit, isEnd: end, volume: playing.volume, duration: UInt16(clamping: duration)),
            timestamp: playing.timestamp, marker: marker)
    }
}
