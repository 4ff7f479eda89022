import VPBXRTP

/// One thing a `Player` plays: a decoded prompt, a generated tone or a pause, and whether a
/// DTMF key may cut it short.
public struct PlayItem: Sendable, Equatable {
    /// Where the audio comes from.
    public enum Source: Sendable, Equatable {
        /// 8 kHz mono samples, e.g. a prompt from `WAVFile.telephoneAudio()`.
        case samples([Int16])
        /// A generated tone; a repeating cadence plays until `milliseconds` (nil: forever,
        /// e.g. ringback or music-on-hold style tones, until the owner stops the player).
        case tone(Tone, milliseconds: Int?)
        /// Silence.
        case silence(milliseconds: Int)
    }

    /// The audio.
    public var source: Source
    /// Whether a DTMF key interrupts this item (barge-in).
    public var bargeIn: Bool

    /// An item; barge-in is allowed unless told otherwise.
    public init(_ source: Source, bargeIn: Bool = true) {
        self.source = source
        self.bargeIn = bargeIn
    }

    /// A prompt.
    public static func prompt(_ samples: [Int16], bargeIn: Bool = true) -> PlayItem {
        PlayItem(.samples(samples), bargeIn: bargeIn)
    }

    /// A tone for a limited or unlimited time.
    public static func tone(_ tone: Tone, milliseconds: Int? = nil, bargeIn: Bool = true) -> PlayItem {
        PlayItem(.tone(tone, milliseconds: milliseconds), bargeIn: bargeIn)
    }

    /// A pause.
    public static func silence(milliseconds: Int, bargeIn: Bool = true) -> PlayItem {
        PlayItem(.silence(milliseconds: milliseconds), bargeIn: bargeIn)
    }
}
