import NIOCore

/// Sends on a socket NIO owns, from that socket's own event loop only: NIO closes the socket
/// on the same loop, so while the channel is active its descriptor number is its own. The
/// RTP relay forwards each packet this way (see ``UDPDirectSender`` for why). No duplicate
/// descriptor: a relay session has four sockets, and doubling them ran the engine out of
/// descriptors under overload.
struct LoopDirectSender {
    let descriptor: CInt
    let channel: any Channel

    /// Sends the readable bytes of `buffer` now. False when the channel is closed, the send
    /// buffer is full or the send failed: the caller then takes NIO's path.
    func send(_ buffer: ByteBuffer, to address: SocketAddress) -> Bool {
        guard channel.isActive else { return false }
        return buffer.withUnsafeReadableBytes { sendDatagram($0, on: descriptor, to: address) }
    }
}
