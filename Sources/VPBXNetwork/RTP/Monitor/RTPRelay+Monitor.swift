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
            let monitor = try await session.eventLoop.submit {
                let core = core.value
                guard !core.isFinished else {
                    throw RTPRelayError(.sessionClosed, "the call's media session is closed; nothing to monitor")
                }
                guard core.monitor == nil else {
                    throw RTPRelayError(.sessionClosed, "another supervisor is already attached to this call")
                }
                let endpoint = RelayEndpoint(side: format.agentSide, channel: pair.rtp)
                let monitor = RelayMonitor(
                    core: core, supervisor: endpoint, format: format, mode: mode,
                    onDigit: onDigit)
                try pair.rtp.pipeline.syncOperations.addHandler(
                    RelayMonitorInboundHandler(endpoint: endpoint, monitor: monitor))
                try pair.rtcp.pipeline.syncOperations.addHandler(
                    RelayMonitorInboundHandler(endpoint: RelayEndpoint(side: format.agentSide, channel: pair.rtcp), monitor: nil))
                core.monitor = monitor
                monitor.begin()
                return NIOLoopBound(monitor, eventLoop: session.eventLoop)
            }.get()
            return RelayMonitorHandle(pair: pair, session: session, relay: self, monitor: monitor)
        } catch {
            await self.releaseEndpointPair(pair)
            throw error
        }
    }
}
