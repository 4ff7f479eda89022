/// An on/off pattern, in samples at 8 kHz: the tone sounds during each segment's `on` part,
/// then is silent for its `off` part; the segments repeat when `repeats` is set.
public struct Cadence: Sendable, Equatable {
    /// One step of the pattern.
    public struct Segment: Sendable, Equatable {
        /// Samples the tone sounds.
        public var onSamples: Int
        /// Samples of silence after it.
        public var offSamples: Int

        /// A step from milliseconds (negative values count as 0).
        public init(onMilliseconds: Int, offMilliseconds: Int) {
            onSamples = AudioFormat.samples(milliseconds: max(0, onMilliseconds))
            offSamples = AudioFormat.samples(milliseconds: max(0, offMilliseconds))
        }

        var length: Int { onSamples + offSamples }
    }

    /// The steps, in order.
    public var segments: [Segment]
    /// Whether the steps start over after the last one (otherwise the tone ends).
    public var repeats: Bool

    /// A pattern of steps.
    public init(_ segments: [Segment], repeats: Bool) {
        self.segments = segments
        self.repeats = repeats
    }

    /// Sounding without pause, forever.
    public static let continuous = Cadence([Segment(onMilliseconds: 1000, offMilliseconds: 0)], repeats: true)

    /// Sounding once for `milliseconds`, then finished.
    public static func once(milliseconds: Int) -> Cadence {
        Cadence([Segment(onMilliseconds: milliseconds, offMilliseconds: 0)], repeats: false)
    }

    /// Samples in one pass through the segments.
    public var period: Int { segments.reduce(0) { $0 + $1.length } }

    /// Whether the tone sounds at sample `index` since the start; nil once a non-repeating
    /// cadence is over.
    public func isOn(at index: Int) -> Bool? {
        let period = self.period
        guard period > 0, index >= 0 else { return nil }
        if !repeats && index >= period { return nil }
        var offset = index % period
        for segment in segments {
            if offset < segment.onSamples { return true }
            if offset < segment.length { return false }
            offset -= segment.length
        }
        return false
    }
}
