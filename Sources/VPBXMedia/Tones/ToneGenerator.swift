import Foundation

/// Produces a tone as 20 ms frames at 8 kHz, following its cadence. A value type fed nothing
/// but "next frame": the sample count since the start is the only clock.
///
/// Phase is continuous across frames (no clicks at frame boundaries); each burst of the cadence
/// restarts at phase zero, as a switched oscillator would; a tone without pauses never restarts.
public struct ToneGenerator: Sendable {
    /// The tone being generated.
    public let tone: Tone
    /// Samples produced so far.
    public private(set) var position = 0
    private let amplitude: Double

    /// A generator at the start of the tone's cadence.
    public init(_ tone: Tone) {
        self.tone = tone
        amplitude = Tone.zeroDBm0Peak * pow(10, tone.level / 20)
    }

    /// Whether a non-repeating cadence has run out.
    public var isFinished: Bool { tone.cadence.isOn(at: position) == nil }

    /// The next 160 samples; after a non-repeating cadence ends, nil. The last frame is padded
    /// with silence to a full frame.
    public mutating func nextFrame() -> [Int16]? {
        guard !isFinished else { return nil }
        return next(AudioFormat.frameSamples)
    }

    /// The next `count` samples (silence past the end of a non-repeating cadence).
    public mutating func next(_ count: Int) -> [Int16] {
        var out = [Int16](repeating: 0, count: count)
        for index in 0..<count {
            out[index] = sample(at: position)
            position += 1
        }
        return out
    }

    private func sample(at index: Int) -> Int16 {
        guard !tone.frequencies.isEmpty, tone.cadence.isOn(at: index) == true else { return 0 }
        let period = tone.cadence.period
        // A tone that never pauses keeps one phase from the start (a restart every period would
        // click unless the frequency fits the period exactly).
        let neverPauses = tone.cadence.segments.allSatisfy { $0.offSamples == 0 }
        let sinceBurst =
            neverPauses
            ? Double(index)
            : Double(tone.cadence.repeats && period > 0 ? burstOffset(index % period) : burstOffset(index))
        var value = 0.0
        for frequency in tone.frequencies {
            value += sin(2 * Double.pi * frequency * sinceBurst / Double(AudioFormat.sampleRate))
        }
        return Downmix.clamp(amplitude * value)
    }

    /// Samples since the start of the segment containing `offset` (within one period).
    private func burstOffset(_ offset: Int) -> Int {
        var remaining = offset
        for segment in tone.cadence.segments {
            if remaining < segment.length { return remaining }
            remaining -= segment.length
        }
        return remaining
    }
}
