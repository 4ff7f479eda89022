import NIOCore
import VPBXSIP

/// One unit cut from a TCP stream.
enum SIPStreamFrame {
    /// A complete message, copied once out of the stream buffer.
    case message([UInt8])
    /// A double-CRLF keep-alive ping (RFC 5626 §4.4.1) that wants a single-CRLF pong.
    case ping
}

/// Frames a SIP byte stream with `SIPStreamFramer`. Oversized input throws the framer's
/// `.tooLarge` error, which closes the connection: nothing after it can be framed reliably.
struct SIPStreamDecoder: ByteToMessageDecoder {
    typealias InboundOut = SIPStreamFrame

    let limits: SIPParserLimits
    /// CRLF bytes seen since the last message; a ping is four (CRLF CRLF), possibly split over
    /// reads, while a lone CRLF is a pong (or padding) and gets no answer.
    private var pendingCRLF = 0

    init(limits: SIPParserLimits) {
        self.limits = limits
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let frame = try buffer.withUnsafeReadableBytes { try SIPStreamFramer.nextFrame(in: $0, limits: limits) }
        switch frame {
        case .needMoreData:
            return .needMoreData
        case .keepAlive(let count):
            buffer.moveReaderIndex(forwardBy: count)
            pendingCRLF += count
            if pendingCRLF >= 4 {
                pendingCRLF = 0
                context.fireChannelRead(Self.wrapInboundOut(.ping))
            }
            return .continue
        case .message(let length):
            pendingCRLF = 0
            guard let bytes = buffer.readBytes(length: length) else { return .needMoreData }
            context.fireChannelRead(Self.wrapInboundOut(.message(bytes)))
            return .continue
        }
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A partial message left at EOF is discarded with the connection.
        try decode(context: context, buffer: &buffer)
    }
}
