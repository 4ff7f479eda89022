/// How much delay the jitter buffer keeps and how much it may hold.
public struct JitterBufferConfiguration: Sendable, Equatable {
    /// Playout delay policy.
    public enum Delay: Sendable, Equatable {
        /// Always this many 20 ms frames.
        case fixed(frames: Int)
        /// Follows the measured interarrival jitter (RFC 3550 §6.4.1) between the bounds.
        case adaptive(minimumFrames: Int, maximumFrames: Int)
    }

    /// Fixed or adaptive playout delay.
    public var delay: Delay
    /// Most frames held at once (memory bound; 50 frames is one second).
    public var capacity: Int
    /// Frames above the target before the oldest are dropped to win latency back (clock drift,
    /// a burst after a network stall).
    public var slack: Int

    /// Defaults: adaptive 40 to 200 ms, one second of capacity.
    public init(delay: Delay = .adaptive(minimumFrames: 2, maximumFrames: 10), capacity: Int = 50, slack: Int = 3) {
        self.delay = delay
        self.capacity = max(2, capacity)
        self.slack = max(1, slack)
    }
}
