import NIOCore

extension RTPRelay {
    /// Attaches a supervisor to `session`'s call: binds a port pair for the supervisor's phone
    /// on the session's event loop and starts mixing (see ``RelayMonitor``).
    ///
    /// - Parameters:
    ///   - format: the call's and the supervisor's codecs, and which side is the agent.
    ///   - onDigit: keys the supervisor presses (RFC 4733), called on the session's loop; the
    ///     caller decides what they mean (Asterisk's ChanSpy uses 4, 5, 6 for the modes).
    /// - Throws: ``RTPRelayError/Code/sessionClosed`` if the call's media is gone or another
    ///   supervisor is attached; the relay's bind errors. Nothing stays bound then.
    public func attachMonitor(
        to session: RelaySession, bindHost: String, format: RelayMonitorFormat, mode: RelayMonitorMode,
        onDigit: @escaping @Sendable (Character) -> Void
    ) async throws -> RelayMonitorHandle {
        let pair = try await self.bindPair(host: bindHost, on: session.eventLoop)
        let core = session.core
        do {
            // The supervisor needs the call's packets on the loop: the poller hands them back
            // first (onEndpoints), then the monitor hooks in.
            let monitor = try await session.eventLoop.flatSubmit {
                let promise = session.eventLoop.makePromise(of: NIOLoopBound<RelayMonitor>.self)
                core.withCore { core in
                    core.onEndpoints {
                        promise.completeWith(
                            Result {
                                try Self.hookMonitor(
                                    into: core, pair: pair, format: format, mode: mode, onDigit: onDigit,
                                    on: session.eventLoop)
                            })
                    }
                }
                return promise.futureResult
            }.get()
            return RelayMonitorHandle(pair: pair, session: session, relay: self, monitor: monitor)
        } catch {
            await self.releaseEndpointPair(pair)
            throw error
        }
    }

    /// Builds the monitor and taps the call; on the loop, with the endpoints owned by it.
    private static func hookMonitor(
        into core: RelayCore, pair: RelaySocketPair, format: RelayMonitorFormat, mode: RelayMonitorMode,
        onDigit: @escaping @Sendable (Character) -> Void, on loop: any EventLoop
    ) throws -> NIOLoopBound<RelayMonitor> {
        guard !core.isFinished else {
            throw RTPRelayError(.sessionClosed, "the call's media session is closed; nothing to monitor")
        }
        guard core.monitor == nil else {
            throw RTPRelayError(.sessionClosed, "another supervisor is already attached to this call")
        }
        let endpoint = RelayEndpoint(side: format.agentSide, channel: pair.rtp)
        let monitor = RelayMonitor(core: core, supervisor: endpoint, format: format, mode: mode, onDigit: onDigit)
        try pair.rtp.pipeline.syncOperations.addHandler(RelayMonitorInboundHandler(endpoint: endpoint, monitor: monitor))
        try pair.rtcp.pipeline.syncOperations.addHandler(
            RelayMonitorInboundHandler(endpoint: RelayEndpoint(side: format.agentSide, channel: pair.rtcp), monitor: nil))
        core.monitor = monitor
        monitor.begin()
        return NIOLoopBound(monitor, eventLoop: loop)
    }
}
