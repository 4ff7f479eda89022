/// Counters a jitter buffer keeps for call-quality reporting.
public struct JitterBufferStatistics: Sendable, Equatable {
    /// Packets accepted into the buffer.
    public var accepted = 0
    /// Packets that arrived after their playout time (copies of played packets included).
    public var late = 0
    /// Copies of packets still held.
    public var duplicates = 0
    /// Frames missing at playout time and concealed.
    public var lost = 0
    /// Frames dropped to shrink the delay.
    public var discarded = 0
    /// Restarts because the source changed (new SSRC) or jumped far away.
    public var resets = 0
    /// Interarrival jitter in 8 kHz samples (RFC 3550 §6.4.1 estimator).
    public var jitter = 0.0

    /// All counters at zero.
    public init() {}
}
