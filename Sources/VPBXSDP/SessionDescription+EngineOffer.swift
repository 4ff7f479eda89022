extension SessionDescription {
    /// The payload type the engine gives RFC 4733 events in the offers it makes: the common
    /// choice of phones and of Asterisk and FreeSWITCH, so most answers keep it.
    public static let engineTelephoneEventPayloadType = 101

    /// The offer the engine makes when the party that should have offered did not: a late
    /// offer (RFC 3261 §13.2.1, an INVITE without a body), whose offer then comes from the
    /// engine toward the other leg. One `sendrecv` audio stream with what every vpbx leg
    /// handles (DESIGN.md): G.711 A-law, then µ-law (A-law is the European networks' law),
    /// and `telephone-event` 0-16.
    ///
    /// - Parameters:
    ///   - origin: the leg's origin (stamp the result with the leg's `OriginTracker`).
    ///   - address: the engine's RTP address; `audioPort`: the leg's local RTP port.
    ///   - codecs: the voice codecs offered, G.711 by default; a leg that must match another
    ///     (a supervisor's phone on a call) is offered that one.
    public static func engineOffer(
        origin: Origin, address: String, audioPort: Int,
        codecs: [RTPMap] = [8, 0].compactMap(RTPMap.staticAudio(payloadType:)), ptime: Int = 20,
        sessionName: String = "vpbx"
    ) -> SessionDescription {
        let event = RTPMap(payloadType: engineTelephoneEventPayloadType, encodingName: "telephone-event", clockRate: 8000)
        var audio = MediaDescription(
            media: "audio", port: audioPort, formats: (codecs + [event]).map { String($0.payloadType) },
            attributes: (codecs + [event]).map { Attribute("rtpmap", $0.attributeValue) }
                + [Attribute("fmtp", "\(event.payloadType) 0-16")])
        audio.ptime = ptime
        audio.direction = .sendrecv
        return SessionDescription(
            origin: origin, sessionName: sessionName, connection: Connection(address: address), media: [audio])
    }
}
