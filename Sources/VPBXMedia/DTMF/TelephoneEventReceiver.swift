import VPBXRTP

/// Turns received RFC 4733 packets into key presses, once each.
///
/// The RTP timestamp identifies an event: every packet of one key press carries the same one.
/// The first packet seen with a new timestamp reports the key, whether or not it is the start
/// packet (those may be lost); later packets with that timestamp (updates, the repeated end
/// packets, network duplicates) report nothing, except that the first end packet reports the
/// key's duration. Packets older than the current event are ignored, and a new SSRC starts over.
public struct TelephoneEventReceiver: Sendable {
    /// What a packet meant.
    public enum Action: Sendable, Equatable {
        /// A new key press (report it to the application now, for barge-in).
        case pressed(DTMFDigit)
        /// The key press ended after `samples` (8 kHz units).
        case released(DTMFDigit, samples: Int)
    }

    private struct Current: Sendable {
        var ssrc: UInt32
        var timestamp: UInt32
        var digit: DTMFDigit?
        var ended: Bool
    }

    private var current: Current?

    /// A receiver that has seen no event yet.
    public init() {}

    /// Handles one telephone-event packet from `ssrc`; returns what it means (often nothing).
    public mutating func receive(_ packet: TelephoneEventPacket, ssrc: UInt32) -> [Action] {
        if var event = current, event.ssrc == ssrc {
            let age = Int32(bitPattern: packet.timestamp &- event.timestamp)
            if age < 0 { return [] }  // a packet from an earlier event, arriving late
            if age == 0 {
                guard packet.event.isEnd, !event.ended else { return [] }
                event.ended = true
                current = event
                return event.digit.map { [.released($0, samples: Int(packet.event.duration))] } ?? []
            }
        }
        // A new event (or a new source): flash and non-DTMF events are tracked but not reported.
        let digit = packet.event.digit
        current = Current(ssrc: ssrc, timestamp: packet.timestamp, digit: digit, ended: packet.event.isEnd)
        guard let digit else { return [] }
        var actions: [Action] = [.pressed(digit)]
        if packet.event.isEnd { actions.append(.released(digit, samples: Int(packet.event.duration))) }
        return actions
    }
}
