import Foundation
import VPBXTestSupport

/// Test signals.
enum Signals {
    /// A sine of `frequency` Hz at `rate`, `seconds` long, peak `amplitude`.
    static func sine(_ frequency: Double, rate: Int = 8000, seconds: Double, amplitude: Double = 10_000) -> [Int16] {
        let count = Int(Double(rate) * seconds)
        return (0..<count).map { Int16(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(rate))) }
    }

    /// The sum of sines (each at `amplitude`).
    static func sum(_ frequencies: [Double], seconds: Double, amplitude: Double = 5_000) -> [Int16] {
        let count = Int(8000 * seconds)
        return (0..<count).map { index in
            let value = frequencies.reduce(0.0) { $0 + amplitude * sin(2 * Double.pi * $1 * Double(index) / 8000) }
            return Int16(max(-32768, min(32767, value)))
        }
    }

    /// Deterministic white noise with a peak of `amplitude`.
    static func noise(count: Int, amplitude: Double, seed: UInt64 = 7) -> [Int16] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Int16(Double.random(in: -amplitude...amplitude, using: &generator)) }
    }

    /// Interleaves two channels.
    static func interleave(_ left: [Int16], _ right: [Int16]) -> [Int16] {
        zip(left, right).flatMap { [$0, $1] }
    }

    /// Signal-to-noise ratio of `decoded` against `reference`, in dB.
    static func snr(_ reference: [Int16], _ decoded: [Int16]) -> Double {
        var signal = 0.0
        var noise = 0.0
        for (a, b) in zip(reference, decoded) {
            signal += Double(a) * Double(a)
            noise += (Double(a) - Double(b)) * (Double(a) - Double(b))
        }
        return 10 * log10(signal / max(noise, 1e-9))
    }
}
