import Foundation
import Synchronization
import VPBXMedia
import VPBXRTP
import VPBXSRTP

#if canImport(Glibc)
    import Glibc
#endif

extension RTPCapture {
    /// The linear samples ``talk(frequency:to:law:)`` sends in a packet: `count` samples of
    /// its sine from sample number `first` (the first packet of a call starts at 0).
    static func tone(frequency: Double, from first: Int = 0, count: Int = 160) -> [Int16] {
        (first..<(first + count)).map { Int16(6000 * sin(2 * .pi * frequency * Double($0) / 8000)) }
    }

    /// Makes the ear's phone talk: a steady sine of `frequency` Hz in A-law (payload type 8)
    /// or µ-law (0), 20 ms packets, sent from the ear's own socket (so the engine latches to
    /// the port it listens on) to `port` on 127.0.0.1, or, with no port, to whoever sent the
    /// ear its first packet. Runs until ``stop()``.
    /// With `srtpKey`, each packet goes out as SRTP under that key (`AES_CM_128_HMAC_SHA1_80`),
    /// as an SRTP phone's (a provider's) would.
    func talk(frequency: Double, to port: UInt16? = nil, law: G711.Law = .alaw, srtpKey: SRTPKeyMaterial? = nil) {
        let payloadType: UInt8 = law == .alaw ? 8 : 0
        // Weak: a capture its test dropped without stop() (the test threw) ends its talker.
        weak let weakCapture = self
        let thread = Thread {
            let sender = srtpKey.map { SRTPSender(SRTPParameters(suite: .aesCM128HmacSHA1_80, master: $0)) }
            var target = port
            var sequence: UInt16 = 0
            var sample = 0
            let ssrc = UInt32.random(in: 1...UInt32.max)
            let start = Date()
            while let capture = weakCapture, capture.isRunning {
                if target == nil { target = capture.firstSource }
                if let target {
                    let header = RTPHeader(
                        marker: sequence == 0, payloadType: payloadType, sequenceNumber: sequence, timestamp: UInt32(sample), ssrc: ssrc)
                    capture.send(
                        header, RTPCapture.tone(frequency: frequency, from: sample).map(law.encode), to: target,
                        protect: sender.map { sender in { sender.protectRTP($0) } })
                    sequence &+= 1
                    sample += 160
                }
                // Paced on a grid from the start, like a phone's clock.
                let next = start.addingTimeInterval(Double(Int(Date().timeIntervalSince(start) / 0.02) + 1) * 0.02)
                Thread.sleep(until: next)
            }
        }
        thread.start()
    }
}

extension RTPCapture {
    /// Presses `digit` as a phone does with RFC 4733 (payload type `payloadType`): three
    /// packets while the key is held, then the end packet three times, 20 ms apart, from the
    /// ear's socket to `port` on 127.0.0.1. Blocks for the 120 ms it takes.
    func press(_ digit: DTMFDigit, to port: UInt16, payloadType: UInt8 = 101, timestamp: UInt32 = 80_000) {
        let ssrc = UInt32.random(in: 1...UInt32.max)
        for step in 0..<6 {
            let event = TelephoneEvent(digit: digit, isEnd: step >= 3, duration: UInt16(min(step + 1, 4) * 160))
            sendPaced(
                RTPHeader(
                    marker: step == 0, payloadType: payloadType, sequenceNumber: UInt16(step), timestamp: timestamp,
                    ssrc: ssrc),
                event.bytes, to: port)
        }
    }

    /// Presses `digit` as a phone without RFC 4733 does: 100 ms of its two tones (ITU-T
    /// Q.23) in A-law, then 100 ms of silence, 20 ms packets from the ear's socket to `port`
    /// on 127.0.0.1. Blocks for the 200 ms it takes.
    func pressInBand(_ digit: DTMFDigit, to port: UInt16) {
        let (low, high) = digit.frequencies
        let ssrc = UInt32.random(in: 1...UInt32.max)
        for step in 0..<10 {
            let samples = (step * 160..<(step * 160 + 160)).map { n -> UInt8 in
                let t = Double(n) / 8000
                let sample = step < 5 ? 5000 * sin(2 * .pi * low * t) + 5000 * sin(2 * .pi * high * t) : 0
                return G711.Law.alaw.encode(Int16(sample))
            }
            sendPaced(
                RTPHeader(
                    marker: step == 0, payloadType: 8, sequenceNumber: UInt16(step), timestamp: UInt32(step * 160),
                    ssrc: ssrc),
                samples, to: port)
        }
    }

    /// ``send(_:_:to:)``, then 20 ms of waiting, a phone's packet interval.
    private func sendPaced(_ header: RTPHeader, _ payload: [UInt8], to port: UInt16) {
        send(header, payload, to: port)
        Thread.sleep(forTimeInterval: 0.02)
    }

    /// Sends one packet (`header`, `payload`) from the ear's socket to `port` on 127.0.0.1.
    /// `protect`: what the packet becomes on the wire (SRTP), nil to send nothing.
    func send(
        _ header: RTPHeader, _ payload: [UInt8], to port: UInt16,
        protect: ((UnsafeRawBufferPointer) -> [UInt8]?)? = nil
    ) {
        var packet = [UInt8](repeating: 0, count: RTPHeader.fixedSize)
        _ = packet.withUnsafeMutableBytes { header.write(into: $0) }
        packet += payload
        if let protect {
            guard let protected = packet.withUnsafeBytes(protect) else { return }
            packet = protected
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(descriptor, packet, packet.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
}
