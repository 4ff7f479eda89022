import VPBXText

extension SessionDescription {
    /// Attributes that describe the peer's own transport addresses. Once the engine relays
    /// the media they point at the wrong host, so anchoring drops them (the engine offers
    /// neither ICE nor a separate RTCP port).
    static let peerTransportAttributes = [
        "candidate", "remote-candidates", "end-of-candidates", "ice-ufrag", "ice-pwd",
        "ice-options", "ice-lite", "ice-mismatch", "rtcp",
    ]

    /// This body rewritten so that audio flows through the engine's RTP relay.
    ///
    /// - The session-level `c=` and the origin address become `address` (IP4 or IP6 chosen
    ///   from its form); media-level `c=` lines are removed, so the session-level one applies.
    /// - The first enabled audio stream gets `audioPort`. Every other enabled stream gets port
    ///   0: the relay only carries that one stream, and advertising the others at the
    ///   engine's address would silently swallow their packets.
    /// - An RFC 2543 hold (`c=0.0.0.0`) is turned into the equivalent direction attribute,
    ///   since the address that expressed it is replaced.
    /// - ICE and `a=rtcp` attributes, which name the peer's addresses, are removed.
    ///
    /// The origin's username, session ID and version are kept; give each leg a stable origin
    /// with `OriginTracker`.
    public func anchored(at address: String, audioPort: Int) -> SessionDescription {
        var result = self
        let relayed = firstAudioIndex
        let engineConnection = Connection(address: address)
        for index in result.media.indices {
            let direction = self.direction(ofMediaAt: index)
            let heldByAddress = (media[index].connection ?? connection)?.isUnspecifiedAddress ?? false
            result.media[index].connection = nil
            Self.removePeerTransportAttributes(from: &result.media[index].attributes)
            if index == relayed {
                result.media[index].port = audioPort
                result.media[index].portCount = nil
                if heldByAddress { result.media[index].direction = direction }
            } else {
                result.media[index].port = 0
            }
        }
        result.connection = engineConnection
        Self.removePeerTransportAttributes(from: &result.attributes)
        result.origin.addrType = engineConnection.addrType
        result.origin.netType = engineConnection.netType
        result.origin.address = address
        return result
    }

    /// Removes ``peerTransportAttributes`` from `attributes`, leaving the array (shared with
    /// the body it was copied from) untouched when there are none, as with most phones.
    private static func removePeerTransportAttributes(from attributes: inout [Attribute]) {
        func isPeerTransport(_ attribute: Attribute) -> Bool {
            peerTransportAttributes.contains { $0.caseInsensitiveEquals(attribute.name) }
        }
        if attributes.contains(where: isPeerTransport) { attributes.removeAll(where: isPeerTransport) }
    }
}
