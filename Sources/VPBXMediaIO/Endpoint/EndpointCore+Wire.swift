import Foundation
import NIOCore
import VPBXMedia
import VPBXNetwork
import VPBXRTP

/// Packets in and out. Anything a peer sends is checked before use: a datagram that is not
/// RTP, carries a payload type that was not negotiated, or comes from someone other than the
/// latched peer is counted and dropped, never trusted.
extension EndpointCore {
    func receivedRTP(_ bytes: [UInt8], from source: SocketAddress) {
        guard !isClosed else { return }
        guard let packet = ReceivedRTPPacket(bytes: bytes) else {
            statistics.malformed += 1
            return
        }
        let type = packet.header.payloadType
        let isEvent = type == parameters.telephoneEventPayloadType
        guard isEvent || type == parameters.law.payloadType else {
            statistics.unexpectedPayloadType += 1
            return
        }
        // Checked in full before the source may latch: garbage must not steer where we send.
        let event = isEvent ? packet.telephoneEvent : nil
        guard isEvent ? event != nil : (1...Self.maximumPayload).contains(packet.payload.count) else {
            statistics.malformed += 1
            return
        }
        guard admit(source) else { return }
        statistics.packetsReceived += 1
        if let event {
            for action in receiver.receive(event, ssrc: packet.header.ssrc) {
                if case .pressed(let digit) = action { deliver(digit) }
            }
            return
        }
        _ = jitter.insert(
            sequenceNumber: packet.header.sequenceNumber, timestamp: packet.header.timestamp,
            ssrc: packet.header.ssrc, samples: G711.decode(parameters.law, packet.payload), arrival: mediaTimeNow)
    }

    func receivedRTCP(_ bytes: [UInt8], from source: SocketAddress) {
        guard !isClosed else { return }
        // Reports are only counted (no receiver statistics yet); the source tells where the
        // peer's RTCP port really is behind its NAT.
        guard bytes.count >= 8, bytes[0] >> 6 == 2 else {
            statistics.malformed += 1
            return
        }
        if isLatched, source.ipAddress == remote?.ipAddress { rtcpRemote = source }
        statistics.rtcpReceived += 1
    }

    /// Symmetric RTP: the first good packet fixes the peer's address; later packets from
    /// anywhere else are dropped (a stray or spoofed stream must not take the call over).
    private func admit(_ source: SocketAddress) -> Bool {
        if isLatched {
            guard source == remote else {
                statistics.foreignSource += 1
                return false
            }
            return true
        }
        remote = source
        isLatched = true
        logger.debug("media endpoint latched", metadata: ["port": "\(pair.port)", "peer": "\(source)"])
        return true
    }

    func send(rtp bytes: [UInt8]) {
        guard let remote else { return }
        statistics.packetsSent += 1
        write(bytes, to: remote, on: pair.rtp)
    }

    func sendEvent(_ packet: TelephoneEventPacket) {
        send(rtp: sender.eventPacket(packet))
    }

    /// RFC 3550 sender report (with the SDES CNAME a compound packet needs) to the RTCP port.
    func sendSenderReport() {
        guard let target = rtcpRemote ?? remote.flatMap(Self.rtcpAddress(for:)) else { return }
        let now = NTPTimestamp(unixSeconds: Date().timeIntervalSince1970)
        let report = sender.senderReport(now: now, rtpTimestamp: sender.timestamp)
        write(report.compound(cname: configuration.cname), to: target, on: pair.rtcp)
        statistics.rtcpSent += 1
    }

    private func write(_ bytes: [UInt8], to address: SocketAddress, on channel: any Channel) {
        let buffer = channel.allocator.buffer(bytes: bytes)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
    }

    static func rtcpAddress(for rtp: SocketAddress) -> SocketAddress? {
        guard let host = rtp.ipAddress, let port = rtp.port, port < 65535 else { return nil }
        return try? SocketAddress.numeric(host: host, port: port + 1)
    }

    /// 60 ms of G.711: the longest packet a peer may send us (we offer 20 ms).
    static let maximumPayload = 480
}
