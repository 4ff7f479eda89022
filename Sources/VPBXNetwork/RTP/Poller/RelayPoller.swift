import CLinuxEpoll
import Logging
import NIOConcurrencyHelpers
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The relay's packet path for bridged calls: one thread with its own epoll set over the
/// sessions' sockets, reading each datagram with `recvfrom` into one reused buffer and sending
/// it on with `sendto` from the other side's socket. A side whose phone speaks SRTP has its
/// packets decrypted and encrypted in that buffer on the way.
///
/// Why not SwiftNIO here (DESIGN.md says the relay runs on NIO event loops): per datagram NIO
/// allocates a `SocketAddress` (a box plus a host string formatted by `inet_ntop`), wraps an
/// `AddressedEnvelope` and walks the pipeline; its loops also carry SIP. Measured at 1,000
/// streams, the engine paid 2.0-2.5x the CPU of a one-thread C relay for the same packets.
/// This loop does what that C relay does. The sockets stay NIO channels (with `autoRead` off
/// while the poller has them): whenever a session needs its audio on the event loop (music on
/// hold, a supervisor listening), the poller hands the sockets and their state back, the
/// channels read again, and the forwarding handlers take over until the feature ends.
///
/// Everything in the slot table is confined to the poller thread. Other threads talk to it
/// only through the command queue (a lock and an `eventfd` wake-up), never per packet.
final class RelayPoller: @unchecked Sendable {
    /// The four sockets of one session's socket set, registered together.
    final class Group: @unchecked Sendable {
        /// RTP A, RTCP A, RTP B, RTCP B.
        let descriptors: [CInt]
        /// Their slots in the table; written and read on the poller thread only.
        fileprivate var slots: [Int] = []

        init(descriptors: [CInt]) {
            precondition(descriptors.count == 4)
            self.descriptors = descriptors
        }

        /// The opposite socket of the same kind: RTP A and RTP B, RTCP A and RTCP B.
        static func peer(of index: Int) -> Int { (index + 2) % 4 }
    }

    typealias StateReply = @Sendable ([RelayLegState]) -> Void

    enum Command {
        /// Adds the group's sockets, reading and dropping until told to forward.
        case register(Group)
        /// Forwards the group's packets from now on, starting from `states`.
        case forward(Group, [RelayLegState])
        /// Stops reading the group (the event loop reads it now) and hands its state back.
        case hold(Group, StateReply)
        /// Reads and drops what arrives (a parked set), handing back the state it had.
        case discard(Group, StateReply?)
        /// A new session took the parked group: stop dropping, leave what arrives in the
        /// sockets until its `forward` (``PolledLeg/Mode/claimed``).
        case claim(Group)
        /// The current state of a forwarding group, unchanged.
        case snapshot(Group, StateReply)
        /// A side's new SDP addresses: `index` is its RTP socket's (0 or 2), RTCP is the next.
        case setExpected(Group, index: Int, rtp: SocketAddress, rtcp: SocketAddress)
        /// Lets a side's RTP socket (`index` 0 or 2) and its RTCP socket latch again.
        case relatch(Group, index: Int, awayFromCurrent: Bool)
        /// How a side's RTP socket (`index` 0 or 2) changes its packets for the other side
        /// (two G.711 laws), or nil for unchanged.
        case translate(Group, index: Int, RelayVoiceTranslation?)
        /// Removes the group; `reply` runs once the poller no longer touches its descriptors,
        /// so they may be closed.
        case unregister(Group, @Sendable () -> Void)
    }

    private let epoll: CInt
    private let wake: CInt
    private let logger: Logger
    private let queue = NIOLockedValueBox(Queue())
    private struct Queue {
        var commands: [Command] = []
        /// The eventfd was written and the thread has not taken the queue since.
        var wakePending = false
        var ownerGone = false
        /// The thread has ended: commands are answered at once, without forwarding.
        var stopped = false
        /// A test asked the thread to end as if `epoll_wait` had failed.
        var failureRequested = false
    }

    // Poller thread only.
    private var legs: UnsafeMutablePointer<PolledLeg>
    private var capacity: Int
    private var freeSlots: [Int] = []
    private var used = 0
    private var registeredGroups = 0
    private let buffer: UnsafeMutableRawPointer
    private let bufferSize: Int
    private static let maxEvents = 512
    private static let wakeToken = UInt64.max
    /// How long a command that did not wake the thread waits at most while sockets are
    /// watched: the thread wakes this often even without packets.
    static let lazyCommandDelayMilliseconds: CInt = 20
    /// The replies of one round of commands, one task per event loop: closing calls under load
    /// each send a command, and a reply to each as its own task woke the loop each time.
    let replies = LoopTaskGatherer()

    /// Starts the poller thread.
    ///
    /// - Parameter maxDatagramSize: longer datagrams are truncated, as on the NIO path.
    init(maxDatagramSize: Int, logger: Logger) throws {
        let epoll = epoll_create1(CInt(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw IOError(errnoCode: errno, reason: "epoll_create1") }
        let wake = eventfd(0, CInt(EFD_NONBLOCK) | CInt(EFD_CLOEXEC))
        guard wake >= 0 else {
            let code = errno
            _ = close(epoll)
            throw IOError(errnoCode: code, reason: "eventfd")
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = Self.wakeToken
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, wake, &event) == 0 else {
            let code = errno
            _ = close(epoll)
            _ = close(wake)
            throw IOError(errnoCode: code, reason: "epoll_ctl(eventfd)")
        }
        self.epoll = epoll
        self.wake = wake
        self.logger = logger
        self.capacity = 256
        self.legs = .allocate(capacity: 256)
        self.legs.initialize(repeating: PolledLeg(), count: 256)
        self.bufferSize = max(64, maxDatagramSize)
        // Room after the largest datagram read for what SRTP adds when a packet goes out.
        self.buffer = .allocate(byteCount: self.bufferSize + RelaySRTP.maximumExpansion, alignment: 16)
        try self.startThread()
    }

    /// Queues `command` for the poller thread.
    ///
    /// - Parameter urgent: wake the thread for it. Commands are applied before the packets of
    ///   the next batch, so one that only changes how later packets are forwarded on a watched
    ///   socket (a session's first `forward`, a new address) can wait for the next packet to
    ///   wake the thread, or for ``lazyCommandDelayMilliseconds``: under call set-up load that
    ///   saves a wake-up (a write, a read and two context switches) per command. So can one
    ///   whose reply may come late (a close). Anything that must start watching a socket, or
    ///   whose reply someone waits for, is urgent.
    func send(_ command: Command, urgent: Bool = true) {
        enum Outcome { case queued, wake, refused }
        let outcome = self.queue.withLockedValue { queue -> Outcome in
            guard !queue.stopped else { return .refused }
            queue.commands.append(command)
            guard urgent, !queue.wakePending else { return .queued }
            queue.wakePending = true
            return .wake
        }
        switch outcome {
        case .queued: break
        case .wake: self.signal()
        case .refused: Self.answerWithoutForwarding(command)
        }
    }

    /// Whether the thread still forwards. After it ended (it should not: only a failing
    /// `epoll_wait` ends it early) sessions take their packets back to the event loop.
    var isRunning: Bool {
        self.queue.withLockedValue { !$0.stopped }
    }

    /// The relay that made the poller is gone: the thread ends once the last group is
    /// unregistered (sessions still open keep working until they close).
    func retire() {
        let running = self.queue.withLockedValue { queue in
            queue.ownerGone = true
            return !queue.stopped
        }
        if running { self.signal() }
    }

    /// Ends the thread the way a failing `epoll_wait` would, for tests of what follows.
    func failForTesting() {
        self.queue.withLockedValue { $0.failureRequested = true }
        self.signal()
    }

    /// Replies to a command the thread will never run, so nobody waits for it: no states (the
    /// session keeps what its endpoints last knew), and the descriptors are free to close.
    private static func answerWithoutForwarding(_ command: Command) {
        switch command {
        case .hold(_, let reply), .snapshot(_, let reply):
            reply([])
        case .discard(_, let reply):
            reply?([])
        case .unregister(_, let reply):
            reply()
        case .register, .forward, .claim, .setExpected, .relatch, .translate:
            break
        }
    }

    /// After the thread's last turn: later commands are answered at once, and those queued
    /// meanwhile are answered now.
    private func stop() {
        let left = self.queue.withLockedValue { queue in
            queue.stopped = true
            defer { queue.commands = [] }
            return queue.commands
        }
        for command in left { Self.answerWithoutForwarding(command) }
    }

    deinit {
        // Here, not when the thread ends: a sender may still write the eventfd after that.
        _ = close(self.epoll)
        _ = close(self.wake)
    }

    private func signal() {
        var one: UInt64 = 1
        _ = write(self.wake, &one, MemoryLayout<UInt64>.size)
    }

    private func startThread() throws {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(
            &thread, nil,
            { context in
                let poller = Unmanaged<RelayPoller>.fromOpaque(context!).takeRetainedValue()
                vpbx_name_thread("vpbx-rtp")
                poller.run()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<RelayPoller>.fromOpaque(context).release()
            throw IOError(errnoCode: result, reason: "pthread_create")
        }
        pthread_detach(thread)
    }

    // MARK: - The poller thread

    private func run() {
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Self.maxEvents)
        defer {
            self.stop()
            events.deallocate()
            self.legs.deinitialize(count: self.capacity)
            self.legs.deallocate()
            self.buffer.deallocate()
        }
        while true {
            // Commands that did not wake the thread (see `send`) wait for a packet, or this.
            let timeout = self.registeredGroups > 0 ? Self.lazyCommandDelayMilliseconds : -1
            let count = epoll_wait(self.epoll, events, CInt(Self.maxEvents), timeout)
            guard count >= 0 else {
                if errno == EINTR { continue }
                self.logger.critical(
                    "RTP poller: epoll_wait failed, media goes back to the event loops", metadata: ["errno": "\(errno)"])
                return
            }
            // One clock read per batch, not per packet.
            let now = NIODeadline.now()
            // The wake-up is consumed before the queue is taken: a command queued after that
            // writes the eventfd again, and that write must not be read away unseen.
            for index in 0..<Int(count) where events[index].data.u64 == Self.wakeToken {
                var value: UInt64 = 0
                _ = read(self.wake, &value, MemoryLayout<UInt64>.size)
            }
            // Commands first: a packet sent after a command was queued is forwarded after it.
            if self.runCommands() { return }
            for index in 0..<Int(count) {
                let token = events[index].data.u64
                if token != Self.wakeToken { self.receive(on: Int(token), now: now) }
            }
        }
    }

    /// One datagram from the socket in `slot`: latch, count, forward.
    @inline(__always)
    private func receive(on slot: Int, now: NIODeadline) {
        let leg = self.legs + slot
        // A socket held or unregistered by this batch's commands is no longer the poller's.
        guard leg.pointee.mode.isWatched else { return }
        guard leg.pointee.mode != .claimed else {
            // The new session's first packet: it stays in the socket for `forward`.
            self.setMode(.held, slot: slot)
            return
        }
        var source = RawSocketAddress()
        source.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let size = withUnsafeMutablePointer(to: &source.storage) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                recvfrom(leg.pointee.descriptor, self.buffer, self.bufferSize, CInt(MSG_DONTWAIT), $0, &source.length)
            }
        }
        // EAGAIN (another reader was first) or an ICMP error from an earlier send: nothing to do.
        guard size >= 0, leg.pointee.mode == .forwarding else { return }
        // An SRTP phone's packet is checked (and decrypted) before it may latch the side.
        var length = size
        if let srtp = leg.pointee.srtp {
            let packet = UnsafeMutableRawBufferPointer(start: self.buffer, count: size)
            guard let plain = srtp.unprotect(inPlace: packet, control: leg.pointee.isControl) else {
                leg.pointee.counters.droppedUnprotectable &+= 1
                return
            }
            length = plain
        }

        // Symmetric RTP, as RelayEndpoint.admit: the first source latches.
        if leg.pointee.isLatched {
            guard source.sameEndpoint(as: leg.pointee.target) else {
                leg.pointee.counters.droppedForeignSource &+= 1
                return
            }
        } else {
            if leg.pointee.hasShunned {
                // The side's earlier phone (a transferor still sending as the target answers)
                // must not take the latch from the new one.
                guard !source.sameEndpoint(as: leg.pointee.shunned)
                    || (leg.pointee.hasExpected && source.sameEndpoint(as: leg.pointee.expected))
                else {
                    leg.pointee.counters.droppedForeignSource &+= 1
                    return
                }
                leg.pointee.hasShunned = false
            }
            leg.pointee.target = source
            leg.pointee.hasTarget = true
            leg.pointee.isLatched = true
        }
        leg.pointee.counters.packetsIn &+= 1
        leg.pointee.counters.bytesIn &+= UInt64(size)
        leg.pointee.lastReceived = now  // RTP or RTCP: both keep the side alive

        let out = self.legs + leg.pointee.peer
        guard out.pointee.hasTarget else {
            out.pointee.counters.droppedNoRemote &+= 1
            return
        }
        // Two G.711 laws: converted in the read buffer, right before it goes out.
        if let translation = leg.pointee.translation {
            translation.translate(inPlace: UnsafeMutableRawBufferPointer(start: self.buffer, count: length))
        }
        if let srtp = out.pointee.srtp {
            let room = UnsafeMutableRawBufferPointer(start: self.buffer, count: length + RelaySRTP.maximumExpansion)
            guard let protected = srtp.protect(inPlace: room, length: length, control: out.pointee.isControl) else {
                out.pointee.counters.droppedUnprotectable &+= 1
                return
            }
            length = protected
        }
        let sent = withUnsafePointer(to: &out.pointee.target.storage) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(out.pointee.descriptor, self.buffer, length, CInt(MSG_DONTWAIT), $0, out.pointee.target.length)
            }
        }
        if sent == length {
            out.pointee.counters.packetsOut &+= 1
            out.pointee.counters.bytesOut &+= UInt64(length)
        } else {
            // A full send buffer: late media is useless, drop it (as the NIO path does).
            out.pointee.counters.droppedCongested &+= 1
        }
    }

    /// Applies the queued commands; true when the thread should end.
    private func runCommands() -> Bool {
        let taken = self.queue.withLockedValue { queue -> (commands: [Command], ownerGone: Bool)? in
            // A requested failure leaves the queue to `stop()`, which answers it unapplied.
            guard !queue.failureRequested else { return nil }
            defer {
                queue.commands.removeAll(keepingCapacity: true)
                queue.wakePending = false
            }
            return (queue.commands, queue.ownerGone)
        }
        guard let (commands, ownerGone) = taken else {
            self.logger.critical("RTP poller: stopped on request, media goes back to the event loops")
            return true
        }
        self.replies.begin()
        for command in commands { self.apply(command) }
        self.replies.end()
        return ownerGone && self.registeredGroups == 0
    }

    private func apply(_ command: Command) {
        switch command {
        case .register(let group):
            self.register(group)
        case .forward(let group, let states):
            for (index, slot) in group.slots.enumerated() {
                self.legs[slot].adopt(states[index])
                self.setMode(.forwarding, slot: slot)
            }
        case .hold(let group, let reply):
            let states = self.states(of: group)
            for slot in group.slots { self.setMode(.held, slot: slot) }
            reply(states)
        case .discard(let group, let reply):
            let states = self.states(of: group)
            for slot in group.slots {
                self.setMode(.discarding, slot: slot)
                // The ended call's keys go with its state; a parked set keeps none.
                self.legs[slot].srtp = nil
            }
            reply?(states)
        case .claim(let group):
            for slot in group.slots where self.legs[slot].mode == .discarding {
                self.setMode(.claimed, slot: slot)
            }
        case .snapshot(let group, let reply):
            reply(self.states(of: group))
        case .setExpected(let group, let index, let rtp, let rtcp):
            guard index + 1 < group.slots.count, let rtp = RawSocketAddress(rtp), let rtcp = RawSocketAddress(rtcp)
            else { return }
            self.legs[group.slots[index]].setExpected(rtp)
            self.legs[group.slots[index + 1]].setExpected(rtcp)
        case .translate(let group, let index, let translation):
            guard index < group.slots.count else { return }
            self.legs[group.slots[index]].translation = translation
        case .relatch(let group, let index, let awayFromCurrent):
            guard index + 1 < group.slots.count else { return }
            self.legs[group.slots[index]].relatch(awayFromCurrent: awayFromCurrent)
            self.legs[group.slots[index + 1]].relatch(awayFromCurrent: awayFromCurrent)
        case .unregister(let group, let reply):
            for slot in group.slots {
                self.setMode(.free, slot: slot)
                self.legs[slot] = PolledLeg()
                self.freeSlots.append(slot)
            }
            if !group.slots.isEmpty { self.registeredGroups -= 1 }
            group.slots = []
            reply()
        }
    }

    private func states(of group: Group) -> [RelayLegState] {
        group.slots.map { self.legs[$0].state }
    }

    private func register(_ group: Group) {
        var slots: [Int] = []
        for descriptor in group.descriptors {
            let slot = self.allocateSlot()
            self.legs[slot] = PolledLeg()
            self.legs[slot].descriptor = descriptor
            self.legs[slot].isControl = slots.count % 2 == 1
            self.legs[slot].mode = .held
            slots.append(slot)
        }
        for (index, slot) in slots.enumerated() {
            self.legs[slot].peer = slots[Group.peer(of: index)]
            self.setMode(.discarding, slot: slot)
        }
        group.slots = slots
        self.registeredGroups += 1
    }

    /// Changes what the poller does with the socket in `slot`, adding it to the epoll set or
    /// removing it. A held socket is removed rather than left with no events: epoll reports
    /// errors even then, and an error nobody reads would wake the thread forever.
    private func setMode(_ mode: PolledLeg.Mode, slot: Int) {
        let wasWatched = self.legs[slot].mode.isWatched
        self.legs[slot].mode = mode
        guard wasWatched != mode.isWatched else { return }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = UInt64(slot)
        let operation = mode.isWatched ? EPOLL_CTL_ADD : EPOLL_CTL_DEL
        if epoll_ctl(self.epoll, operation, self.legs[slot].descriptor, &event) != 0 {
            self.logger.error(
                "RTP poller: cannot change a socket's watch", metadata: ["errno": "\(errno)", "watch": "\(mode.isWatched)"])
        }
    }

    private func allocateSlot() -> Int {
        if let slot = self.freeSlots.popLast() { return slot }
        if self.used == self.capacity {
            let grown = UnsafeMutablePointer<PolledLeg>.allocate(capacity: self.capacity * 2)
            grown.moveInitialize(from: self.legs, count: self.capacity)
            (grown + self.capacity).initialize(repeating: PolledLeg(), count: self.capacity)
            self.legs.deallocate()
            self.legs = grown
            self.capacity *= 2
        }
        self.used += 1
        return self.used - 1
    }
}
