import Foundation
import VPBXRTP

/// Detects DTMF keys in 8 kHz PCM (in-band DTMF, and checking what we send).
///
/// The signal is cut into 102-sample blocks (12.75 ms: fine enough for Q.24's 40 ms minimum,
/// long enough that Goertzel separates 697 from 770 Hz). A block is a hit for a key when
/// - its strongest row and column tones are each above `minimumLevel`,
/// - each is at least `peakRatio` stronger than the other tones of its group,
/// - the twist (row level minus column level) is within `maximumNormalTwist`/`maximumReverseTwist`,
/// - the two tones carry at least `minimumToneShare` of the block's energy (speech and music
///   spread their energy; a key does not).
/// A key is reported once, after `minimumBlocks` consecutive hits; the same key is reported
/// again only after `minimumGapBlocks` consecutive blocks without it. One block was enough
/// before, and a key held across a lost or late packet (20 ms of concealment or silence from
/// the jitter buffer, everyday jitter on a phone's network) was heard twice: a menu choice
/// or a PIN digit doubled. Asterisk's detector likewise waits three blocks of its own
/// 102-sample size for a key's end.
public struct DTMFDetector: Sendable {
    /// Detection thresholds; the defaults follow ITU-T Q.24 where it gives numbers.
    public struct Configuration: Sendable {
        /// Samples per analysis block.
        public var blockSize = 102
        /// Consecutive hits before a key counts (2 × 12.75 ms ≈ 26 ms of steady tone).
        public var minimumBlocks = 2
        /// Consecutive blocks without the key before it may count again (3 × 12.75 ms ≈ 38 ms:
        /// a gap of one 20 ms frame never reaches it, Q.24's shortest pause of 40 ms mostly
        /// does, a phone's pause of 50 ms or more always).
        public var minimumGapBlocks = 3
        /// Weakest tone accepted, dBm0 (Q.24 asks for operation down to about -26 dBm0).
        public var minimumLevel = -30.0
        /// Row tone stronger than column tone by at most this, dB (Q.24 allows 8 dB).
        public var maximumNormalTwist = 8.0
        /// Column tone stronger than row tone by at most this, dB.
        public var maximumReverseTwist = 4.0
        /// How much stronger (amplitude ratio) the chosen tone must be than the rest of its group.
        public var peakRatio = 2.0
        /// Fraction of the block's energy the two tones must carry.
        public var minimumToneShare = 0.7

        /// The defaults.
        public init() {}
    }

    /// The thresholds in use.
    public let configuration: Configuration
    private var pending: [Int16] = []
    private var candidate: DTMFDigit?
    private var hits = 0
    private var misses = 0
    private var reported = false

    /// A detector that has heard nothing yet.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        pending.reserveCapacity(configuration.blockSize)
    }

    /// Feeds samples (any count); returns the keys that became detected, in order.
    public mutating func process<C: Collection>(_ samples: C) -> [DTMFDigit] where C.Element == Int16 {
        var detected: [DTMFDigit] = []
        for sample in samples {
            pending.append(sample)
            if pending.count == configuration.blockSize {
                if let digit = analyseBlock() { detected.append(digit) }
                pending.removeAll(keepingCapacity: true)
            }
        }
        return detected
    }

    /// Updates the run of hits with one block; returns a key when its run reaches the minimum.
    private mutating func analyseBlock() -> DTMFDigit? {
        let key = Self.classify(pending, configuration)
        guard let key else {
            misses += 1
            if misses >= configuration.minimumGapBlocks || !reported {
                // A key not yet reported needs its hits in a row; one reported has ended.
                candidate = nil
                hits = 0
                reported = false
            }
            return nil
        }
        misses = 0
        if key == candidate {
            hits += 1
        } else {
            candidate = key
            hits = 1
            reported = false
        }
        guard hits >= configuration.minimumBlocks, !reported else { return nil }
        reported = true
        return key
    }

    /// The key whose two tones dominate `block`, if any.
    static func classify(_ block: [Int16], _ configuration: Configuration) -> DTMFDigit? {
        let rows = DTMFDigit.rowFrequencies.map { Goertzel.amplitude(of: $0, in: block) }
        let columns = DTMFDigit.columnFrequencies.map { Goertzel.amplitude(of: $0, in: block) }
        guard let row = strongest(rows, ratio: configuration.peakRatio),
            let column = strongest(columns, ratio: configuration.peakRatio)
        else { return nil }
        let minimum = Tone.zeroDBm0Peak * pow10(configuration.minimumLevel / 20)
        let rowAmplitude = rows[row]
        let columnAmplitude = columns[column]
        guard rowAmplitude >= minimum, columnAmplitude >= minimum else { return nil }
        let twist = 20 * log10(rowAmplitude / columnAmplitude)
        guard twist <= configuration.maximumNormalTwist, -twist <= configuration.maximumReverseTwist else { return nil }
        let rms = SignalLevel.rms(block)
        let toneEnergy = (rowAmplitude * rowAmplitude + columnAmplitude * columnAmplitude) / 2
        guard rms > 0, toneEnergy >= configuration.minimumToneShare * rms * rms else { return nil }
        return DTMFDigit.at(row: row, column: column)
    }

    /// The index of the largest value when it exceeds every other by `ratio`.
    private static func strongest(_ values: [Double], ratio: Double) -> Int? {
        guard let best = values.indices.max(by: { values[$0] < values[$1] }) else { return nil }
        for index in values.indices where index != best && values[index] * ratio > values[best] { return nil }
        return best
    }
}
