import NIOCore

/// Who forwards a session's packets, and how forwarding changes hands.
///
/// A plain bridged call is forwarded by the relay's ``RelayPoller`` (`owner == .poller`): its
/// channels do not read (`autoRead` off) and the endpoints' latching state and counters live in
/// the poller. Anything that needs them on the loop (music on hold, a supervisor, an address
/// change arriving while the poller is handing them back, the close) calls ``onEndpoints(_:)``:
/// the poller stops reading the sockets and sends the state back, the channels read again and
/// the forwarding handlers take over. When no feature needs the packets any more the state goes
/// back to the poller. Without a poller the loop always owns everything, as before.
extension RelayCore {
    enum Owner {
        /// The session's event loop: the forwarding handlers read and forward.
        case loop
        /// The relay's poller thread forwards; the endpoints' state is stale.
        case poller
        /// The poller was asked to hand the state back; work waits in ``waitingForEndpoints``.
        case reclaiming
    }

    /// Gives forwarding to the poller, if the relay has one and nothing needs the packets here.
    /// On the loop.
    func forwardOnPollerIfIdle() {
        guard self.owner == .loop, !self.isFinished, !self.needsPacketsOnLoop,
            let poller = self.sockets.poller, let group = self.sockets.group
        else { return }
        guard poller.isRunning else {
            // The poller thread ended (logged when it did): the loop forwards from now on.
            self.sockets.setReading(true)
            return
        }
        // The session's first hand-over finds the sockets as bound or parked: NIO not reading
        // them, the poller watching them (reading and dropping), so the next packet wakes it.
        // After a feature the loop reads them and the poller does not watch them.
        let returning = self.handedOverBefore
        if returning {
            for endpoint in self.endpoints {
                // What the loop wrote in this read batch goes out before the loop stops reading.
                if endpoint.needsFlush {
                    endpoint.needsFlush = false
                    endpoint.channel.flush()
                }
            }
            self.sockets.setReading(false)
        }
        var states = self.endpoints.map(\.legState)
        states[0].lastReceived = self.activity.lastRTP(side: .a)
        states[2].lastReceived = self.activity.lastRTP(side: .b)
        self.owner = .poller
        self.handedOverBefore = true
        poller.send(.forward(group, states), urgent: returning)
    }

    /// Runs `body` on the loop once the loop owns the endpoints: at once, or after the poller
    /// has handed them back (bodies run in call order). Afterwards forwarding goes back to the
    /// poller unless something now needs the packets here.
    func onEndpoints(_ body: @escaping () -> Void) {
        switch self.owner {
        case .loop:
            body()
            self.forwardOnPollerIfIdle()
        case .reclaiming:
            self.waitingForEndpoints.append(body)
        case .poller:
            self.waitingForEndpoints.append(body)
            self.reclaim(reading: true) { $0.runWaitingBodies() }
        }
    }

    /// Asks the poller for the endpoints; `then` runs on the loop once they are back.
    /// `reading`: the channels read again (a feature); otherwise the sockets are parked with the
    /// poller reading and dropping what arrives.
    private func reclaim(reading: Bool, then: @escaping (RelayCore) -> Void) {
        guard let poller = self.sockets.poller, let group = self.sockets.group else { return }
        self.owner = .reclaiming
        let core = NIOLoopBound(self, eventLoop: self.activity.eventLoop)
        let loop = self.activity.eventLoop
        let then = NIOLoopBound(then, eventLoop: loop)
        let reply: RelayPoller.StateReply = { states in
            poller.replies.execute(on: loop) {
                let core = core.value
                core.takeBack(states)
                if reading { core.sockets.setReading(true) }
                core.owner = .loop
                then.value(core)
            }
        }
        // A close (not reading) does not hurry: the ended call's ports and sockets come back
        // a little later, and a burst of closes shares the poller's wake-ups.
        poller.send(reading ? .hold(group, reply) : .discard(group, reply), urgent: reading)
    }

    private func runWaitingBodies() {
        let bodies = self.waitingForEndpoints
        self.waitingForEndpoints = []
        for body in bodies { body() }
        self.forwardOnPollerIfIdle()
    }

    /// Takes over the state the poller kept.
    private func takeBack(_ states: [RelayLegState]) {
        guard states.count == 4 else { return }
        for (endpoint, state) in zip(self.endpoints, states) { endpoint.legState = state }
        self.activity.record(polled: states)
    }

    /// Whether the poller forwards this session's packets now: it has them and its thread runs.
    /// A session left with a poller whose thread ended takes them back at the next occasion.
    private var pollerForwards: Bool {
        self.owner == .poller && self.sockets.poller?.isRunning == true
    }

    /// The statistics, wherever the counters are now; `reply` runs on the loop.
    func statistics(_ reply: @escaping (RelayStatistics) -> Void) {
        guard self.pollerForwards else {
            self.onEndpoints { reply(self.statistics()) }
            return
        }
        self.withPolledStates { core, states in reply(core.statistics(polled: states)) }
    }

    private func statistics(polled states: [RelayLegState]) -> RelayStatistics {
        var statistics = self.statistics()
        guard states.count == 4 else { return statistics }
        for side in RelaySide.allCases {
            let rtp = states[side == .a ? 0 : 2]
            statistics[side].rtp = rtp.counters
            statistics[side].rtcp = states[side == .a ? 1 : 3].counters
            statistics[side].rtpRemote = rtp.target
            statistics[side].isLatched = rtp.isLatched
            if let time = rtp.lastReceived, time > (statistics[side].lastRTPReceived ?? .uptimeNanoseconds(0)) {
                statistics[side].lastRTPReceived = time
            }
        }
        return statistics
    }

    /// Brings the RTP arrival times the poller recorded into the inactivity timeout before it
    /// decides; `then` runs on the loop.
    func refreshActivity(then: @escaping () -> Void) {
        switch self.owner {
        case .loop:
            return then()
        case .reclaiming:
            // The poller's times arrive with the state it is handing back: decide after that.
            return self.waitingForEndpoints.append(then)
        case .poller:
            guard self.pollerForwards else {
                // The poller's arrival times ended with its thread. The loop takes the packets
                // back and records them from now on; the call gets a whole timeout from here.
                return self.onEndpoints {
                    let now = NIODeadline.now()
                    self.activity.record(side: .a, at: now)
                    self.activity.record(side: .b, at: now)
                    then()
                }
            }
        }
        self.withPolledStates { core, states in
            core.activity.record(polled: states)
            then()
        }
    }

    /// Asks the poller for the sockets' current state, leaving them with it; `body` runs on
    /// the loop with the four states (nothing runs without a poller).
    private func withPolledStates(_ body: @escaping (RelayCore, [RelayLegState]) -> Void) {
        guard let poller = self.sockets.poller, let group = self.sockets.group else { return }
        let loop = self.activity.eventLoop
        let core = NIOLoopBound(self, eventLoop: loop)
        let body = NIOLoopBound(body, eventLoop: loop)
        poller.send(.snapshot(group) { states in poller.replies.execute(on: loop) { body.value(core.value, states) } })
    }

    /// Sets where `side`'s phone wants media, in the poller or in the endpoints.
    func setExpected(side: RelaySide, rtp: SocketAddress, rtcp: SocketAddress) {
        if self.pollerForwards, let poller = self.sockets.poller, let group = self.sockets.group {
            poller.send(.setExpected(group, index: side == .a ? 0 : 2, rtp: rtp, rtcp: rtcp), urgent: false)
            // The endpoints learn it too: a hand-back overwrites them with the poller's state,
            // but a poller thread that ended hands nothing back.
            self.rtp(side).setExpected(rtp)
            self.rtcp(side).setExpected(rtcp)
            return
        }
        self.onEndpoints {
            self.rtp(side).setExpected(rtp)
            self.rtcp(side).setExpected(rtcp)
        }
    }

    /// Lets `side` latch again, in the poller or in the endpoints.
    func relatch(side: RelaySide, awayFromCurrent: Bool) {
        if self.pollerForwards, let poller = self.sockets.poller, let group = self.sockets.group {
            poller.send(.relatch(group, index: side == .a ? 0 : 2, awayFromCurrent: awayFromCurrent), urgent: false)
            self.rtp(side).relatch(awayFromCurrent: awayFromCurrent)
            self.rtcp(side).relatch(awayFromCurrent: awayFromCurrent)
            return
        }
        self.onEndpoints {
            self.rtp(side).relatch(awayFromCurrent: awayFromCurrent)
            self.rtcp(side).relatch(awayFromCurrent: awayFromCurrent)
        }
    }

    /// Ends the session's use of its sockets: stops everything, takes the state back for the
    /// final statistics and detaches the handlers. `completion(reusable)` runs on the loop;
    /// reusable sockets are left with the poller reading and dropping (a parked set).
    func release(completion: @escaping (Bool) -> Void) {
        switch self.owner {
        case .poller:
            self.reclaim(reading: false) { core in
                let reusable = core.detach()
                core.runWaitingBodies()
                completion(reusable)
            }
        case .reclaiming:
            self.waitingForEndpoints.append { self.release(completion: completion) }
        case .loop:
            let reusable = self.detach()
            // Without a running poller the loop keeps reading the parked set and, with the
            // handlers detached, drops what the ended call still sends.
            if let poller = self.sockets.poller, let group = self.sockets.group, poller.isRunning {
                self.sockets.setReading(false)
                // Until the poller watches them again the parked sockets just queue; urgent, so
                // what the ended call still sends does not wait for the next session.
                poller.send(.discard(group, nil))
            }
            completion(reusable)
        }
    }
}
