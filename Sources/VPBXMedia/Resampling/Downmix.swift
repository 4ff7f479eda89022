/// Channel and sample-type conversions around the resampler.
enum Downmix {
    /// Mono as the average of the channels (so a full-scale stereo signal cannot clip).
    static func mono(_ interleaved: [Int16], channels: Int) -> [Double] {
        guard channels > 1 else { return interleaved.map(Double.init) }
        let frames = interleaved.count / channels
        var out = [Double](repeating: 0, count: frames)
        for frame in 0..<frames {
            var sum = 0.0
            for channel in 0..<channels { sum += Double(interleaved[frame * channels + channel]) }
            out[frame] = sum / Double(channels)
        }
        return out
    }

    /// Rounds to the nearest sample and saturates (filter overshoot must not wrap around).
    static func clamp(_ value: Double) -> Int16 {
        guard value.isFinite else { return 0 }
        return Int16(max(-32768, min(32767, value.rounded())))
    }
}
