/// The two G.711 laws across a bridged call: a phone that offers only A-law (PCMA) and one that
/// takes only µ-law (PCMU) can still talk, because the engine anchors the media and converts
/// one law into the other on the way through (one table lookup a byte), as Asterisk does.
extension SessionDescription {
    /// This offer, for the callee's leg, with the other G.711 law added after the offerer's
    /// formats when its first audio stream has exactly one of them (the offerer's preference
    /// stays first: a callee that can take it answers with it, and nothing is converted).
    /// Offers with both laws, or with neither (nothing to convert from), are returned as they are.
    public func offeringBothG711Laws() -> SessionDescription { passedOnWithBothG711Laws().offer }

    /// ``offeringBothG711Laws()``, and with it the conversion to apply from the moment that
    /// offer goes to the callee with a law added, before its answer is known: the added law's
    /// packets from the callee become this offer's law. A phone sends its first packets with
    /// its answer, so they reach the relay before the answer reaches the core; converted only
    /// once the answer had been read, the first of them passed in the law the caller lacks.
    /// The conversion is nil when nothing is added. The caller's packets are not touched until
    /// the answer says which law the callee took (``G711Bridge/awaitsAnswer``), nor are events
    /// (their payload type is the answer's).
    public func passedOnWithBothG711Laws() -> (offer: SessionDescription, bridgeBeforeAnswer: G711Bridge?) {
        guard let index = firstAudioIndex else { return (self, nil) }
        let section = media[index]
        // SRTP: the relay cannot convert what it cannot decrypt.
        guard !section.carriesEncryptedMedia else { return (self, nil) }
        let offered = section.codecs
        // Exactly one of the two laws: with neither there is nothing to convert from.
        let pcma = offered.first { $0.hasEncoding("PCMA") }
        let pcmu = offered.first { $0.hasEncoding("PCMU") }
        guard (pcma == nil) != (pcmu == nil) else { return (self, nil) }
        let added = pcma != nil ? RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000)
            : RTPMap(payloadType: 8, encodingName: "PCMA", clockRate: 8000)
        // The static payload type, unless the offer already uses that number for something
        // else, in its formats or in an rtpmap line (which would name the added format).
        guard !section.formats.contains(String(added.payloadType)), section.rtpMap(for: added.payloadType) == nil
        else { return (self, nil) }
        var result = self
        result.media[index].formats.append(String(added.payloadType))
        result.media[index].attributes.append(Attribute("rtpmap", added.attributeValue))
        let callerVoice = offered.first { $0.isG711 }
        let early = callerVoice.map {
            G711Bridge(caller: $0, callee: added, callerEvents: nil, calleeEvents: nil, awaitsAnswer: true)
        }
        return (result, early)
    }

    /// The G.711 laws to convert between when `answer` (to this offer passed on through
    /// ``offeringBothG711Laws()``) chose the law this offer does not have: the offerer's codec
    /// from this offer (`caller` in the result) and the answerer's from the answer (`callee`),
    /// each with its own payload type, and their telephone-event formats. Nil when the
    /// answerer chose a codec this offer has (packets pass unchanged).
    public func g711Bridge(toAnswer answer: SessionDescription) -> G711Bridge? {
        guard let offerIndex = firstAudioIndex, let answerIndex = answer.firstAudioIndex else { return nil }
        let offered = media[offerIndex].codecs
        let answered = answer.media[answerIndex].codecs
        guard let calleeVoice = answered.first(where: { !$0.hasEncoding("telephone-event") && !$0.hasEncoding("CN") }),
            calleeVoice.isG711,
            !offered.contains(where: { $0.hasEncoding(calleeVoice.encodingName) }),
            let callerVoice = offered.first(where: { $0.isG711 })
        else { return nil }
        return G711Bridge(
            caller: callerVoice, callee: calleeVoice,
            callerEvents: offered.first { $0.hasEncoding("telephone-event") && $0.clockRate == 8000 },
            calleeEvents: answered.first { $0.hasEncoding("telephone-event") && $0.clockRate == 8000 })
    }

    /// This answer (the answerer's) rewritten for the offerer, `bridge.caller`: the offerer's
    /// codec and telephone-event format in place of the answerer's, everything else
    /// (direction, ptime, the address, which the engine then anchors) as answered.
    public func answeringCaller(through bridge: G711Bridge) -> SessionDescription {
        guard let index = firstAudioIndex else { return self }
        var section = media[index]
        var formats = [bridge.caller]
        if let events = bridge.callerEvents, bridge.calleeEvents != nil { formats.append(events) }
        section.formats = formats.map { String($0.payloadType) }
        section.attributes.removeAll { ["rtpmap", "fmtp"].contains($0.name.lowercased()) }
        // rtpmap lines first, where answers usually have them.
        section.attributes.insert(contentsOf: formats.map { Attribute("rtpmap", $0.attributeValue) }, at: 0)
        if let events = formats.dropFirst().first {
            section.attributes.insert(Attribute("fmtp", "\(events.payloadType) 0-15"), at: formats.count)
        }
        var result = self
        result.media[index] = section
        return result
    }
}

/// The two codecs of a call whose legs use different G.711 laws (see
/// ``SessionDescription/g711Bridge(toAnswer:)``), each with the payload types its phone uses.
public struct G711Bridge: Sendable, Equatable {
    public var caller: RTPMap
    public var callee: RTPMap
    public var callerEvents: RTPMap?
    public var calleeEvents: RTPMap?
    /// Set before the callee's answer (``SessionDescription/passedOnWithBothG711Laws()``): only
    /// the callee's packets in `callee`'s law are converted; the caller's pass as they are.
    public var awaitsAnswer: Bool

    /// The same bridge seen from the other leg (for an offer the callee made).
    public var reversed: G711Bridge {
        G711Bridge(
            caller: callee, callee: caller, callerEvents: calleeEvents, calleeEvents: callerEvents, awaitsAnswer: awaitsAnswer)
    }

    public init(caller: RTPMap, callee: RTPMap, callerEvents: RTPMap?, calleeEvents: RTPMap?, awaitsAnswer: Bool = false) {
        self.caller = caller
        self.callee = callee
        self.callerEvents = callerEvents
        self.calleeEvents = calleeEvents
        self.awaitsAnswer = awaitsAnswer
    }
}

extension RTPMap {
    /// PCMA or PCMU at 8 kHz: what the bridge converts.
    public var isG711: Bool { (hasEncoding("PCMA") || hasEncoding("PCMU")) && clockRate == 8000 }
}
