import VPBXSDP

/// Phones in different G.711 laws on one call (docs/media.md, "A-law and µ-law on one call"):
/// the callee is offered both laws, and when it answers in the one the offerer lacks, the
/// offerer is answered in its own and the relay converts.
extension PBXCore {
    /// What the offerer (`offerer`'s phone) is answered with when the other phone answered
    /// `answer` to `offer` (passed on with both G.711 laws): the answer as it is, or, when it
    /// chose the law the offer lacks, the answer in the offerer's law, with the relay told to
    /// convert. Records each side's codec and the bridge on the call. For the call's first
    /// answer and for relayed re-INVITEs alike.
    func bridgeLaws(
        of call: Call, offer: SessionDescription, answer: SessionDescription, offerer: CallSide, media: any MediaSession
    ) -> SessionDescription {
        let bridge = offer.g711Bridge(toAnswer: answer)
        let forOfferer = bridge.map { answer.answeringCaller(through: $0) } ?? answer
        let answerersCodec = answer.voiceCodec
        let offerersCodec = bridge == nil ? answerersCodec : forOfferer.voiceCodec
        call.callerCodec = offerer == .caller ? offerersCodec : answerersCodec
        call.calleeCodec = offerer == .caller ? answerersCodec : offerersCodec
        // The call keeps its bridge oriented caller to callee, whoever offered.
        let oriented = offerer == .caller ? bridge : bridge?.reversed
        let callersSide = offerer == .caller ? offer : answer
        if oriented == nil, let early = call.g711Bridge, early.awaitsAnswer,
            callersSide.firstAudioIndex.flatMap({ callersSide.media[$0].codec(named: early.callee.encodingName) }) == nil
        {
            // What was set before the answer converts only the callee's packets in the law
            // the caller lacks, and the caller still lacks it: it changes nothing unless such
            // a packet comes, and taking it back would cost a trip to the relay a call.
            return forOfferer
        }
        if oriented != call.g711Bridge {
            if let oriented {
                logger.info(
                    "bridging G.711 laws",
                    metadata: [
                        "call": "\(call.id)", "caller": "\(oriented.caller.encodingName)",
                        "callee": "\(oriented.callee.encodingName)",
                    ])
            }
            call.g711Bridge = oriented
            media.bridgeG711(oriented)
        }
        return forOfferer
    }

    /// `offer` (the caller's, or what the caller is handed on with) as the callee's legs get
    /// it: with the other G.711 law added when the caller has only one, and, unless the call
    /// already converts both ways, the relay told at once to convert what the callee sends in
    /// the added law (``SessionDescription/passedOnWithBothG711Laws()``), before the callee has the
    /// INVITE: a phone sends its first packets with its answer, which reach the relay before
    /// the answer reaches the core.
    /// A call whose parties changed places (a caller's transfer) offers its next callee the
    /// kept phone's codec only: the relay's bridge before an answer converts its own B side's
    /// packets, which are the kept phone's then, not the new callee's.
    func offerForCallees(_ offer: SessionDescription, of call: Call, media: any MediaSession) -> SessionDescription {
        guard !call.partiesSwapped else { return offer }
        let (passedOn, early) = offer.passedOnWithBothG711Laws()
        if !call.convertsVoice, early != call.g711Bridge {
            call.g711Bridge = early
            media.bridgeG711(early)
        }
        return passedOn
    }

    /// Why a supervisor cannot listen to a call whose phones use different G.711 laws: the
    /// mixer takes one codec for both parties, and the relay converts only between the two.
    static let bridgedCallNotMonitored =
        "the call's two phones use different G.711 laws (A-law and µ-law); listening in on such a call is not supported"
}
