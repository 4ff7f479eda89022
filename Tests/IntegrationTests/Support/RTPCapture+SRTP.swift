import VPBXMedia
import VPBXRTP
import VPBXSRTP

extension RTPCapture {
    /// The G.711 samples of the packets received, decrypted as SRTP under `key`
    /// (`AES_CM_128_HMAC_SHA1_80`), in arrival order; and how many packets did not
    /// authenticate under it (plain RTP among them).
    func receivedAudio(decryptingWith key: SRTPKeyMaterial) -> (samples: [Int16], rejected: Int) {
        let receiver = SRTPReceiver(SRTPParameters(suite: .aesCM128HmacSHA1_80, master: key))
        var samples: [Int16] = []
        var rejected = 0
        for packet in received {
            guard case .success(let plain) = packet.withUnsafeBytes({ receiver.unprotectRTP($0) }),
                let header = plain.withUnsafeBytes({ RTPHeader(bytes: $0) })
            else {
                rejected += 1
                continue
            }
            let law: G711.Law
            switch header.payloadType {
            case 8: law = .alaw
            case 0: law = .ulaw
            default: continue
            }
            let payload = plain[header.payloadOffset..<(header.payloadOffset + header.payloadLength)]
            samples += payload.map { law.decode($0) }
        }
        return (samples, rejected)
    }
}
