import CLinuxEpoll
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A datagram waiting to be sent with others (``sendDatagrams(_:on:)``).
struct OutgoingDatagram: Sendable {
    let bytes: [UInt8]
    let address: SocketAddress
}

/// Datagrams per `sendmmsg`: the kernel takes up to 1,024; a batch of the core's sends is
/// seldom more than a few dozen.
private let datagramsPerCall = 64

/// Sends `datagrams` in order with `sendmmsg`, without blocking. Returns how many went,
/// counted from the front: the first one that did not (a full send buffer, an error) and all
/// after it are the caller's to send some other way, in order.
///
/// One system call for a burst instead of one `sendto` each: under call load the core sends
/// several datagrams per batch of input (a 200 to the caller, the ACK and the INVITE to
/// callees), and each system call, with its wake-up of the receiver, was a measurable part of
/// the engine's time.
func sendDatagrams(_ datagrams: ArraySlice<OutgoingDatagram>, on descriptor: CInt) -> Int {
    var sent = 0
    var start = datagrams.startIndex
    while start < datagrams.endIndex {
        let end = min(start + datagramsPerCall, datagrams.endIndex)
        let went = sendChunk(datagrams[start..<end], on: descriptor)
        sent += went
        guard went == end - start else { return sent }
        start = end
    }
    return sent
}

private func sendChunk(_ chunk: ArraySlice<OutgoingDatagram>, on descriptor: CInt) -> Int {
    if chunk.count == 1, let only = chunk.first {
        return only.bytes.withUnsafeBytes { sendDatagram($0, on: descriptor, to: only.address) } ? 1 : 0
    }
    // The payloads side by side in one buffer, so every pointer below lives in one closure.
    var payload: [UInt8] = []
    payload.reserveCapacity(chunk.reduce(0) { $0 + $1.bytes.count })
    for datagram in chunk { payload.append(contentsOf: datagram.bytes) }
    var addresses = [sockaddr_storage](repeating: sockaddr_storage(), count: chunk.count)
    var addressSizes = [socklen_t](repeating: 0, count: chunk.count)
    for (index, datagram) in chunk.enumerated() {
        datagram.address.withSockAddr { pointer, size in
            withUnsafeMutableBytes(of: &addresses[index]) { $0.baseAddress!.copyMemory(from: pointer, byteCount: size) }
            addressSizes[index] = socklen_t(size)
        }
    }
    var vectors = [iovec](repeating: iovec(), count: chunk.count)
    var messages = [vpbx_mmsghdr](repeating: vpbx_mmsghdr(), count: chunk.count)
    let result = payload.withUnsafeMutableBytes { payloadBytes in
        addresses.withUnsafeMutableBufferPointer { addressBuffer in
            vectors.withUnsafeMutableBufferPointer { vectorBuffer in
                messages.withUnsafeMutableBufferPointer { messageBuffer in
                    var offset = 0
                    for (index, datagram) in chunk.enumerated() {
                        vectorBuffer[index] = iovec(iov_base: payloadBytes.baseAddress.map { $0 + offset }, iov_len: datagram.bytes.count)
                        offset += datagram.bytes.count
                        messageBuffer[index].msg_hdr.msg_name = UnsafeMutableRawPointer(addressBuffer.baseAddress! + index)
                        messageBuffer[index].msg_hdr.msg_namelen = addressSizes[index]
                        messageBuffer[index].msg_hdr.msg_iov = vectorBuffer.baseAddress! + index
                        messageBuffer[index].msg_hdr.msg_iovlen = 1
                    }
                    return vpbx_sendmmsg(descriptor, messageBuffer.baseAddress, UInt32(chunk.count), CInt(MSG_DONTWAIT))
                }
            }
        }
    }
    // A datagram goes whole or not at all; -1 means the first did not.
    return max(0, Int(result))
}
