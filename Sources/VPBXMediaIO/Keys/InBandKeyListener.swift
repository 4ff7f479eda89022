import VPBXMedia
import VPBXNetwork
import VPBXRTP

/// Keys pressed as tones in a G.711 stream (in-band DTMF), for the relay's digit watcher:
/// some phones and networks send no RFC 4733 events, or have them stripped on the way.
/// Decodes each packet of the stream's voice payload type and runs the engine's detector
/// (ITU-T Q.24 thresholds, speech rejected) over it; other payload types are ignored.
public final class InBandKeyListener: RelayAudioKeyListener {
    private let law: G711.Law
    private let payloadType: UInt8
    private var detector = DTMFDetector()
    /// Decoded samples of the packet at hand, reused.
    private var samples: [Int16] = []

    /// Nil for a codec that is not G.711 (nothing to decode).
    public init?(encoding: String, payloadType: Int) {
        guard let law = G711.Law(encodingName: encoding), let type = UInt8(exactly: payloadType), type < 128 else {
            return nil
        }
        self.law = law
        self.payloadType = type
    }

    public func keys(payloadType: UInt8, payload: UnsafeRawBufferPointer) -> [Character] {
        guard payloadType == self.payloadType else { return [] }
        samples.removeAll(keepingCapacity: true)
        for byte in payload { samples.append(law.decode(byte)) }
        return detector.process(samples).map(\.rawValue)
    }
}
