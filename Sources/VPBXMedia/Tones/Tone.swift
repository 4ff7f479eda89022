import VPBXRTP

/// A generated call-progress or signalling tone: one or two sine frequencies at a level,
/// switched by a cadence.
///
/// The standard tones are the Hungarian/ETSI 425 Hz ones; docs/media.md has the sources and the
/// choices where tables differ.
public struct Tone: Sendable, Equatable {
    /// The sine frequencies in Hz (summed).
    public var frequencies: [Double]
    /// Level of each frequency in dBm0 (0 dBm0 is a 1 mW sine at the zero-level point of G.711).
    public var level: Double
    /// When the tone sounds.
    public var cadence: Cadence

    /// A custom tone (the standard ones are the static members).
    public init(frequencies: [Double], level: Double, cadence: Cadence) {
        self.frequencies = frequencies
        self.level = level
        self.cadence = cadence
    }

    /// Peak amplitude of a 0 dBm0 sine in 16-bit linear PCM: G.711's maximum (+3.17 dBm0)
    /// is 32124 (μ-law full scale), so 0 dBm0 is 32124 / 10^(3.17/20).
    public static let zeroDBm0Peak = 22_288.0

    /// Ringback ("ringing tone"): 425 Hz, 1 s on, 4 s off.
    public static let ringback = Tone(
        frequencies: [425], level: -10,
        cadence: Cadence([.init(onMilliseconds: 1000, offMilliseconds: 4000)], repeats: true))

    /// Busy: 425 Hz, 0.3 s on, 0.3 s off (the Hungarian cadence).
    public static let busy = Tone(
        frequencies: [425], level: -10,
        cadence: Cadence([.init(onMilliseconds: 300, offMilliseconds: 300)], repeats: true))

    /// Congestion: 425 Hz, 0.2 s on, 0.2 s off (faster than busy, so callers can tell them apart).
    public static let congestion = Tone(
        frequencies: [425], level: -10,
        cadence: Cadence([.init(onMilliseconds: 200, offMilliseconds: 200)], repeats: true))

    /// Dial tone: 425 Hz continuous.
    public static let dial = Tone(frequencies: [425], level: -10, cadence: .continuous)

    /// The "leave a message after the tone" beep: 1 kHz for `milliseconds` (default 300).
    public static func beep(milliseconds: Int = 300) -> Tone {
        Tone(frequencies: [1000], level: -10, cadence: .once(milliseconds: milliseconds))
    }

    /// A DTMF key: its row and column frequencies (ITU-T Q.23) for `milliseconds`.
    public static func dtmf(_ digit: DTMFDigit, milliseconds: Int = 100) -> Tone {
        let pair = digit.frequencies
        return Tone(frequencies: [pair.low, pair.high], level: -8, cadence: .once(milliseconds: milliseconds))
    }

    /// Silence for `milliseconds` (a tone with no frequencies).
    public static func silence(milliseconds: Int) -> Tone {
        Tone(frequencies: [], level: 0, cadence: .once(milliseconds: milliseconds))
    }
}
