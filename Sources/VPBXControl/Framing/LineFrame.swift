import NIOCore

/// One unit read from a line-framed stream.
public enum LineFrame: Sendable, Hashable {
    /// A complete line without its terminator (`\n`, or `\r\n`).
    case line(ByteBuffer)
    /// A line longer than the decoder's maximum. Its bytes were discarded; the stream
    /// continues after its terminating newline. Reported exactly once per such line.
    case oversized
}
