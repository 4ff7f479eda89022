import NIOCore
import VPBXRTP

/// A supervisor attached to a relayed call: listen, whisper or barge (``RelayMonitorMode``).
///
/// Confined to the call's relay event loop, like the session it taps, so the taps on the
/// forwarding path take no lock and cross no thread. The forwarding handlers give it a copy
/// of what each party sends (decoded into ``SampleFIFO``s); the supervisor's own socket
/// feeds a third FIFO. Every 20 ms it builds:
/// - for the supervisor, always: customer + agent;
/// - for the agent, when whispering or barging: customer + supervisor (replacing the plain
///   forwarding toward the agent, as music on hold does);
/// - for the customer, when barging: agent + supervisor.
/// Music on hold toward a party wins over the mix: a held party keeps hearing the music.
final class RelayMonitor {
    static let samplesPerFrame = 160
    /// Up to 60 ms may wait per source; more means the source runs fast or burst.
    static let fifoCapacity = 3 * samplesPerFrame

    let supervisor: RelayEndpoint
    /// Weak: the monitor may outlive the session (its handle is closed after the call).
    private weak var core: RelayCore?
    private let format: RelayMonitorFormat
    private(set) var mode: RelayMonitorMode
    private let onDigit: @Sendable (Character) -> Void

    private var fromSide: [RelaySide: SampleFIFO]
    private var fromSupervisor = SampleFIFO(capacity: fifoCapacity)
    private var toSupervisor: RelayStreamWriter
    private var toward: [RelaySide: RelayStreamWriter]
    private var pacer: RelayFramePacer?
    /// The supervisor phone's keys, when its SDP has telephone-event.
    private var supervisorKeys: RelayKeyReader?

    init(
        core: RelayCore, supervisor: RelayEndpoint, format: RelayMonitorFormat,
        mode: RelayMonitorMode, onDigit: @escaping @Sendable (Character) -> Void
    ) {
        self.core = core
        self.supervisor = supervisor
        self.format = format
        self.mode = mode
        self.onDigit = onDigit
        self.supervisorKeys = format.supervisorEventPayloadType.map { RelayKeyReader(eventPayloadType: $0) }
        self.fromSide = [.a: SampleFIFO(capacity: Self.fifoCapacity), .b: SampleFIFO(capacity: Self.fifoCapacity)]
        self.toSupervisor = RelayStreamWriter(payloadType: format.supervisorPayloadType)
        self.toward = [
            .a: RelayStreamWriter(payloadType: format.callPayloadType),
            .b: RelayStreamWriter(payloadType: format.callPayloadType),
        ]
    }

    private var agentSide: RelaySide { format.agentSide }
    private var customerSide: RelaySide { format.agentSide == .a ? .b : .a }

    /// Taps both parties and starts the 20 ms mix.
    func begin() {
        guard let core else { return }
        for side in RelaySide.allCases { core.rtp(side).monitor = self }
        applyMode()
        let pacer = RelayFramePacer(
            eventLoop: supervisor.channel.eventLoop,
            produce: { [weak self] frames in
                guard let self, let core = self.core else { return false }
                for _ in 0..<frames { self.mixFrame(core) }
                self.flush(core)
                return true
            },
            skip: { [weak self] frames in
                guard let self else { return }
                self.toSupervisor.skipTime(frames: frames)
                for side in RelaySide.allCases { self.toward[side]?.skipTime(frames: frames) }
            })
        self.pacer = pacer
        pacer.begin()
    }

    /// Unhooks from the call: the parties hear each other plainly again.
    func end() {
        pacer?.stop()
        pacer = nil
        guard let core else { return }
        for side in RelaySide.allCases where core.rtp(side).monitor === self {
            core.rtp(side).monitor = nil
            core.rtp(side).mixedByMonitor = false
        }
    }

    func setMode(_ mode: RelayMonitorMode) {
        self.mode = mode
        applyMode()
    }

    private func applyMode() {
        guard let core else { return }
        core.rtp(agentSide).mixedByMonitor = mode.agentHearsSupervisor
        core.rtp(customerSide).mixedByMonitor = mode.customerHearsSupervisor
    }

    // MARK: Input

    /// A packet one party sent (it is forwarded as usual besides).
    func heard(_ packet: ByteBuffer, from side: RelaySide) {
        Self.decodeAudio(packet, payloadType: format.callPayloadType, law: format.callLaw, into: &fromSide[side]!)
    }

    /// A packet from the supervisor's phone: voice for the mix, or a key (mode changes).
    func heardSupervisor(_ packet: ByteBuffer) {
        let isAudio = Self.decodeAudio(
            packet, payloadType: format.supervisorPayloadType, law: format.supervisorLaw, into: &fromSupervisor)
        guard !isAudio, let digit = supervisorKeys?.key(in: packet) else { return }
        onDigit(digit.rawValue)
    }

    /// Appends the packet's samples to `fifo` if it carries `payloadType`; returns whether it did.
    @discardableResult
    private static func decodeAudio(
        _ packet: ByteBuffer, payloadType: UInt8, law: G711.Law, into fifo: inout SampleFIFO
    ) -> Bool {
        packet.withUnsafeReadableBytes { bytes in
            guard let header = RTPHeader(bytes: bytes), header.payloadType == payloadType else { return false }
            let start = header.payloadOffset
            fifo.append(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + header.payloadLength)]), law: law)
            return true
        }
    }

    // MARK: Output

    private func mixFrame(_ core: RelayCore) {
        var customer = [Int16](repeating: 0, count: Self.samplesPerFrame)
        var agent = customer
        var coach = customer
        _ = fromSide[customerSide]!.pop(into: &customer)
        _ = fromSide[agentSide]!.pop(into: &agent)
        _ = fromSupervisor.pop(into: &coach)

        send(customer.mixed(with: agent), law: format.supervisorLaw, through: supervisor, stream: &toSupervisor)
        if mode.agentHearsSupervisor {
            sendToParty(core.rtp(agentSide), customer.mixed(with: coach))
        }
        if mode.customerHearsSupervisor {
            sendToParty(core.rtp(customerSide), agent.mixed(with: coach))
        }
    }

    private func sendToParty(_ endpoint: RelayEndpoint, _ samples: [Int16]) {
        guard endpoint.injector == nil else { return }  // held: the music plays instead
        send(samples, law: format.callLaw, through: endpoint, stream: &toward[endpoint.side]!)
        endpoint.needsFlush = true
    }

    private func send(_ samples: [Int16], law: G711.Law, through endpoint: RelayEndpoint, stream: inout RelayStreamWriter) {
        stream.send(through: endpoint, payloadSize: samples.count) { buffer in
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: samples.count) { raw in
                for (index, sample) in samples.enumerated() { raw[index] = law.encode(sample) }
                return samples.count
            }
        }
    }

    private func flush(_ core: RelayCore) {
        supervisor.channel.flush()
        for side in RelaySide.allCases {
            let endpoint = core.rtp(side)
            if endpoint.needsFlush {
                endpoint.needsFlush = false
                endpoint.channel.flush()
            }
        }
    }
}
