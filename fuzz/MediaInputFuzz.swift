// libFuzzer entry point for what the engine reads from media a caller sends: RTP headers
// (the relay rewrites voice payloads by the offsets they give), the media endpoint's path for
// each packet (IVR, voicemail, queues: payload checks, RFC 4733 events, G.711 decoding, the
// jitter buffer and its play-out, in-band DTMF detection), RTCP reports, and WAV files (an
// administrator's upload). Built and run by fuzz/run.sh (--target media).
//
// One input is a stream of packets: each is a length byte, a byte of milliseconds since the
// previous packet arrived, and that many bytes (the last takes what is left), so the fuzzer
// can shape sequences, timestamps, SSRC changes and arrival jitter across packets. The whole input is also read as a WAV file.
import VPBXMedia
import VPBXRTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    var endpoint = FuzzedEndpoint()
    var offset = 0
    while offset + 2 <= bytes.count {
        let length = Int(bytes[offset])
        let milliseconds = Int(bytes[offset + 1])
        let end = min(bytes.count, offset + 2 + length)
        endpoint.receive(Array(bytes[(offset + 2)..<end]), after: milliseconds)
        offset = end
    }
    endpoint.playOut(ticks: 10)
    if let file = try? WAVReader.read(bytes, name: "fuzz.wav", maximumSeconds: 5) {
        let audio = file.telephoneAudio()
        precondition(audio.count <= 5 * 8000 + 8000, "5 s of WAV gave \(audio.count) samples")
    }
    return 0
}

/// What `EndpointCore.receivedRTP` does with a datagram (VPBXMediaIO needs NIO, which the
/// fuzzer does not build), plus the relay's reliance on the header's offsets.
struct FuzzedEndpoint {
    var jitter = JitterBuffer(configuration: JitterBufferConfiguration())
    var receiver = TelephoneEventReceiver()
    var detector = DTMFDetector()
    /// Media time in 8 kHz samples, as the endpoint's jitter buffer counts arrivals.
    var now = 0
    let law = G711.Law.alaw
    let eventPayloadType: UInt8 = 101

    mutating func receive(_ datagram: [UInt8], after milliseconds: Int) {
        now += milliseconds * 8
        if let header = datagram.withUnsafeBytes({ RTPHeader(bytes: $0) }) {
            // The relay's law conversion rewrites exactly these bytes in place.
            precondition(header.payloadOffset >= RTPHeader.fixedSize && header.payloadLength >= 0)
            precondition(header.payloadOffset + header.payloadLength <= datagram.count, "payload beyond the datagram")
        }
        _ = RTCPSenderReport(bytes: datagram)
        guard let packet = ReceivedRTPPacket(bytes: datagram) else { return }
        let type = packet.header.payloadType
        if type == eventPayloadType {
            guard let event = packet.telephoneEvent else { return }
            _ = receiver.receive(event, ssrc: packet.header.ssrc)
            return
        }
        guard type == law.payloadType, (1...1_500).contains(packet.payload.count) else { return }
        _ = jitter.insert(
            sequenceNumber: packet.header.sequenceNumber, timestamp: packet.header.timestamp,
            ssrc: packet.header.ssrc, samples: G711.decode(law, packet.payload), arrival: now)
        playOut(ticks: 1)
    }

    mutating func playOut(ticks: Int) {
        for _ in 0..<ticks {
            let frame = jitter.nextFrame()
            _ = detector.process(frame.samples)
            now += AudioFormat.frameSamples
        }
    }
}
