import NIOCore

/// Splits a byte stream into `\n`-terminated lines, bounded by `maximumLineLength`.
///
/// A line that grows past the maximum is reported as `.oversized` as soon as that is
/// known (so the peer gets its error early) and its remaining bytes are skipped up to the
/// next newline; memory use stays bounded whatever the peer sends.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = LineFrame

    public let maximumLineLength: Int
    /// True while skipping the rest of a line already reported as oversized.
    private var discarding = false
    /// Bytes at the front of the buffer already searched for a newline, so that a line
    /// arriving in many small reads is not rescanned from its start each time.
    private var scanned = 0

    public init(maximumLineLength: Int = 1 << 20) {
        precondition(maximumLineLength > 0, "maximumLineLength must be positive")
        self.maximumLineLength = maximumLineLength
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = nextFrame(&buffer) else { return .needMoreData }
        if let frame { context.fireChannelRead(wrapInboundOut(frame)) }
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        if let frame = nextFrame(&buffer) {
            if let frame { context.fireChannelRead(wrapInboundOut(frame)) }
            return .continue
        }
        // A final line without a newline still counts: `printf '{...}' | nc -U` is common.
        if !discarding, buffer.readableBytes > 0, let rest = buffer.readSlice(length: buffer.readableBytes) {
            context.fireChannelRead(wrapInboundOut(.line(Self.trimmingCarriageReturn(rest))))
        }
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        discarding = false
        scanned = 0
        return .needMoreData
    }

    /// The pure framing step. Returns nil when more bytes are needed, `.some(nil)` when
    /// bytes were consumed without producing a frame (end of a discarded line), or a frame.
    mutating func nextFrame(_ buffer: inout ByteBuffer) -> LineFrame?? {
        let bytes = buffer.readableBytesView
        let searchStart = bytes.index(bytes.startIndex, offsetBy: min(scanned, bytes.count))
        if let newline = bytes[searchStart...].firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - bytes.startIndex
            scanned = 0
            if discarding {
                buffer.moveReaderIndex(forwardBy: length + 1)
                discarding = false
                return .some(nil)
            }
            if length > maximumLineLength {
                buffer.moveReaderIndex(forwardBy: length + 1)
                return .oversized
            }
            let line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            return .line(Self.trimmingCarriageReturn(line))
        }
        if discarding {
            buffer.moveReaderIndex(forwardBy: bytes.count)
            scanned = 0
            return nil
        }
        if bytes.count > maximumLineLength {
            buffer.moveReaderIndex(forwardBy: bytes.count)
            discarding = true
            scanned = 0
            return .oversized
        }
        scanned = bytes.count
        return nil
    }

    private static func trimmingCarriageReturn(_ line: ByteBuffer) -> ByteBuffer {
        guard line.readableBytesView.last == UInt8(ascii: "\r") else { return line }
        return line.getSlice(at: line.readerIndex, length: line.readableBytes - 1)!
    }
}
