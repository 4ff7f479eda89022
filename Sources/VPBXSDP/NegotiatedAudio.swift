/// The result of answering an offer as an endpoint that terminates the audio itself
/// (IVR, voicemail, music on hold, conference): the answer body plus what was agreed.
public struct NegotiatedAudio: Sendable, Equatable {
    /// The SDP to send back.
    public var answer: SessionDescription
    /// Index of the accepted audio stream, in both offer and answer.
    public var mediaIndex: Int
    /// The voice codec, with the payload type the offerer uses for it.
    public var codec: RTPMap
    /// RFC 4733 events with the offerer's payload type, when offered at the codec's rate.
    public var telephoneEvent: RTPMap?
    /// Direction written in the answer, from our side (`recvonly` when the offerer holds us).
    public var direction: MediaDirection

    public init(
        answer: SessionDescription, mediaIndex: Int, codec: RTPMap, telephoneEvent: RTPMap?, direction: MediaDirection
    ) {
        self.answer = answer
        self.mediaIndex = mediaIndex
        self.codec = codec
        self.telephoneEvent = telephoneEvent
        self.direction = direction
    }
}

extension SessionDescription {
    /// RTP profiles we can answer on: plain RTP. `RTP/AVPF` is accepted too because its
    /// feedback messages are optional and can be ignored; SRTP profiles are not supported.
    static let answerableProtocols: Set<String> = ["rtp/avp", "rtp/avpf"]

    /// Answers `offer` (RFC 3264 §6) for an endpoint that terminates audio.
    ///
    /// Accepts the first enabled RTP audio stream that offers one of `localCodecs`, picking
    /// the first of `localCodecs` (our preference order) that the stream offers, plus
    /// `telephone-event` at the same clock rate under the offerer's payload type. Every other
    /// stream is rejected with port 0, keeping the m-line count and order. The answer's
    /// direction mirrors the offer's (an offered `sendonly` hold is answered `recvonly`).
    ///
    /// - Parameters:
    ///   - origin: this leg's origin, usually from `OriginTracker.origin` (or stamp the answer).
    ///   - address: the engine's RTP address; `audioPort`: the local RTP port.
    ///   - localCodecs: encoding names we can send and receive, best first.
    ///   - ptime: packet duration we send, in milliseconds.
    /// - Throws: `SDPError.noCommonCodec` (answer 488) when no stream offers a local codec.
    public static func answer(
        to offer: SessionDescription,
        origin: Origin,
        address: String,
        audioPort: Int,
        localCodecs: [String] = ["PCMA", "PCMU"],
        ptime: Int = 20,
        sessionName: String = "vpbx"
    ) throws(SDPError) -> NegotiatedAudio {
        var accepted: (index: Int, codec: RTPMap, event: RTPMap?)?
        for (index, section) in offer.media.enumerated()
        where section.isAudio && !section.isDisabled && answerableProtocols.contains(section.proto.lowercased()) {
            let offered = section.codecs
            guard let codec = localCodecs.lazy.compactMap({ name in offered.first { $0.hasEncoding(name) } }).first
            else { continue }
            let event = offered.first { $0.hasEncoding("telephone-event") && $0.clockRate == codec.clockRate }
            accepted = (index, codec, event)
            break
        }
        guard let accepted else {
            throw SDPError(
                .noCommonCodec,
                "no RTP audio stream offers any of \(localCodecs.joined(separator: ", ")) (offered: \(offer.offeredAudioSummary))"
            )
        }

        let direction = offer.direction(ofMediaAt: accepted.index).reversed
        var media: [MediaDescription] = []
        for (index, section) in offer.media.enumerated() {
            guard index == accepted.index else {
                media.append(
                    MediaDescription(
                        media: section.media, port: 0, proto: section.proto, formats: Array(section.formats.prefix(1))))
                continue
            }
            var answer = MediaDescription(
                media: section.media, port: audioPort, proto: section.proto,
                formats: [String(accepted.codec.payloadType)],
                attributes: [Attribute("rtpmap", accepted.codec.attributeValue)])
            if let event = accepted.event {
                answer.formats.append(String(event.payloadType))
                answer.attributes.append(Attribute("rtpmap", event.attributeValue))
                answer.attributes.append(Attribute("fmtp", "\(event.payloadType) 0-16"))
            }
            answer.ptime = ptime
            answer.direction = direction
            media.append(answer)
        }
        let description = SessionDescription(
            origin: origin, sessionName: sessionName, connection: Connection(address: address), media: media)
        return NegotiatedAudio(
            answer: description, mediaIndex: accepted.index, codec: accepted.codec,
            telephoneEvent: accepted.event, direction: direction)
    }
}
