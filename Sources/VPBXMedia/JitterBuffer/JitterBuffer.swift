/// A receive jitter buffer for 20 ms G.711 frames: holds packets for a playout delay, puts
/// them back in sequence order, and hands out exactly one frame per 20 ms tick.
///
/// Time is injected: `insert` takes the arrival time and `nextFrame` is called once per frame
/// tick by the owner's media clock. Policy (docs/media.md):
/// - ordering by extended sequence number (wraps at 65535 handled); the first packet and every
///   restart wait until the target delay is buffered;
/// - late (already played) and duplicate packets are dropped and counted;
/// - a missing frame with later frames waiting is lost: the last frame is repeated once at half
///   level, then silence; an empty buffer (underrun: the end of a talkspurt or a stall) gives
///   the same concealment and buffers up to the target again;
/// - more than target + slack frames held: the oldest are dropped (latency back under control);
/// - a new SSRC, or a sequence jump beyond the capacity, restarts the buffer;
/// - at most `capacity` frames are held.
public struct JitterBuffer: Sendable {
    /// One 20 ms tick of output.
    public enum Playout: Sendable, Equatable {
        /// A received frame, in order.
        case packet([Int16])
        /// A missing frame replaced by the previous one, attenuated.
        case concealed([Int16])
        /// Nothing to play (buffering, or a gap longer than one frame).
        case silence

        /// The samples to play (160 zeros for silence).
        public var samples: [Int16] {
            switch self {
            case .packet(let samples), .concealed(let samples): samples
            case .silence: [Int16](repeating: 0, count: AudioFormat.frameSamples)
            }
        }
    }

    /// What happened to an inserted packet.
    public enum Insertion: Sendable, Equatable {
        /// Stored for playout.
        case accepted
        /// Dropped: its playout time has passed (this includes a copy of a frame already played).
        case late
        /// Dropped: the same sequence number is already held.
        case duplicate
        /// Accepted after discarding everything held (new source or a far jump).
        case restarted
    }

    private struct Arrival: Sendable {
        var time: Int
        var timestamp: UInt32
    }

    /// The delay policy and bounds.
    public let configuration: JitterBufferConfiguration
    /// Counters since the buffer was created (restarts included).
    public private(set) var statistics = JitterBufferStatistics()
    private var frames: [Int64: [Int16]] = [:]
    private var ssrc: UInt32?
    /// Extended sequence number of the next frame to play.
    private var expected: Int64 = 0
    private var buffering = true
    /// Whether playout began since the start or the last restart (until then, an earlier
    /// sequence number moves the start back instead of being late).
    private var hasPlayed = false
    private var lastPlayed: [Int16]?
    private var concealedInARow = 0
    private var lastArrival: Arrival?
    private var adaptiveTarget: Int

    /// An empty buffer waiting for its first packet.
    public init(configuration: JitterBufferConfiguration = JitterBufferConfiguration()) {
        self.configuration = configuration
        switch configuration.delay {
        case .fixed(let frames): adaptiveTarget = frames
        case .adaptive(let minimum, _): adaptiveTarget = minimum
        }
    }

    /// Frames currently held.
    public var count: Int { frames.count }

    /// The playout delay aimed for, in frames.
    public var targetFrames: Int {
        switch configuration.delay {
        case .fixed(let frames): min(max(1, frames), configuration.capacity)
        case .adaptive(let minimum, let maximum): min(max(minimum, adaptiveTarget), maximum, configuration.capacity)
        }
    }

    /// Stores a received frame. `arrival` is the media time (8 kHz samples) it arrived at.
    public mutating func insert(
        sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32, samples: [Int16], arrival: Int
    ) -> Insertion {
        var restarted = false
        if self.ssrc != ssrc {
            if self.ssrc != nil { restart() }
            restarted = self.ssrc != nil
            self.ssrc = ssrc
            // Extended numbers start high so that nothing before the first packet goes negative.
            expected = (1 << 32) + Int64(sequenceNumber)
        }
        let extended = extend(sequenceNumber)
        if extended < expected, !hasPlayed, (frames.keys.max() ?? extended) - extended < Int64(configuration.capacity) {
            // Nothing played since the (re)start: the first arrival need not be the first sent.
            expected = extended
        }
        if extended < expected {
            statistics.late += 1
            if case .adaptive = configuration.delay { adaptiveTarget = targetFrames + 1 }
            return .late
        }
        if extended - expected >= Int64(configuration.capacity) {
            // Far ahead: the sender jumped (or we fell hopelessly behind); start again from here.
            restart()
            restarted = true
            expected = extended
        }
        guard frames[extended] == nil else {
            statistics.duplicates += 1
            return .duplicate
        }
        frames[extended] = samples
        statistics.accepted += 1
        updateJitter(Arrival(time: arrival, timestamp: timestamp))
        return restarted ? .restarted : .accepted
    }

    /// The frame for this 20 ms tick.
    public mutating func nextFrame() -> Playout {
        if buffering {
            guard let newest = frames.keys.max(), newest - expected + 1 >= Int64(targetFrames) else { return conceal() }
            buffering = false
            hasPlayed = true
        }
        while frames.count > targetFrames + configuration.slack {
            // Drop the oldest held frame (and any gap before it) to shorten the delay. Every
            // held key is >= expected, so this reaches one and the loop ends.
            if frames.removeValue(forKey: expected) != nil { statistics.discarded += 1 }
            expected += 1
        }
        if let frame = frames.removeValue(forKey: expected) {
            expected += 1
            lastPlayed = frame
            concealedInARow = 0
            return .packet(frame)
        }
        if frames.isEmpty {
            // Underrun: the talkspurt ended or the network stalled. Wait for the target again.
            buffering = true
            return conceal()
        }
        statistics.lost += 1
        expected += 1
        return conceal()
    }

    private mutating func conceal() -> Playout {
        concealedInARow += 1
        guard concealedInARow == 1, let lastPlayed else { return .silence }
        return .concealed(lastPlayed.map { $0 / 2 })
    }

    private mutating func restart() {
        frames.removeAll()
        buffering = true
        hasPlayed = false
        lastPlayed = nil
        concealedInARow = 0
        lastArrival = nil
        statistics.resets += 1
    }

    /// The extended sequence number closest to the next expected one (RFC 3550 A.1 style).
    private func extend(_ sequenceNumber: UInt16) -> Int64 {
        let delta = Int16(bitPattern: sequenceNumber &- UInt16(truncatingIfNeeded: expected))
        return expected + Int64(delta)
    }

    private mutating func updateJitter(_ arrival: Arrival) {
        defer { lastArrival = arrival }
        guard let previous = lastArrival else { return }
        let transit = arrival.time - previous.time
        let media = Int(Int32(bitPattern: arrival.timestamp &- previous.timestamp))
        statistics.jitter += (Double(abs(transit - media)) - statistics.jitter) / 16
        if case .adaptive = configuration.delay {
            // Three times the mean deviation covers nearly every packet; one frame more for the
            // packet itself. Applied as the buffer refills, so it never cuts a talkspurt.
            let needed = Int((3 * statistics.jitter / Double(AudioFormat.frameSamples)).rounded(.up)) + 1
            adaptiveTarget = max(adaptiveTarget, needed)
            if needed < adaptiveTarget && buffering { adaptiveTarget = needed }
        }
    }
}
