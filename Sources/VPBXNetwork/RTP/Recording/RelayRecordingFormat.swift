import VPBXRTP

/// How each side of a relayed call sends its voice, so a recorder can decode it: the G.711
/// law and payload type each phone negotiated (they differ when the relay converts between
/// the laws).
public struct RelayRecordingFormat: Sendable, Equatable {
    public var lawA: G711.Law
    public var payloadTypeA: UInt8
    public var lawB: G711.Law
    public var payloadTypeB: UInt8

    public init(lawA: G711.Law, payloadTypeA: UInt8, lawB: G711.Law, payloadTypeB: UInt8) {
        self.lawA = lawA
        self.payloadTypeA = payloadTypeA
        self.lawB = lawB
        self.payloadTypeB = payloadTypeB
    }

    func law(of side: RelaySide) -> G711.Law { side == .a ? lawA : lawB }
    func payloadType(of side: RelaySide) -> UInt8 { side == .a ? payloadTypeA : payloadTypeB }
}

/// Where a recorder's audio goes: two channels interleaved (A left, B right), 8,000 frames a
/// second, in chunks of about a second. Called on the call's event loop, so an implementation
/// must not block there: it hands the samples to its own thread (file I/O).
public protocol RelayRecordingSink: AnyObject, Sendable {
    func append(interleaved samples: [Int16])
    /// No more audio comes: the recording ended (stopped, or the call's media closed).
    func finish()
}
