import NIOCore

extension RTPRelay {
    /// Binds one RTP/RTCP pair from the relay's pool for a media endpoint (a leg the engine
    /// terminates itself: prompts, voicemail). Sharing the pool keeps relayed and terminated
    /// legs in the one configured range and never hands the same port out twice.
    ///
    /// The sockets have no handlers; the caller adds its own on `loop` and gives the pair back
    /// with ``releaseEndpointPair(_:)``.
    /// - Throws: ``RTPRelayError/Code/portsExhausted`` when no free pair is left, or the bind error.
    public func bindEndpointPair(host: String, on loop: any EventLoop) async throws -> RelaySocketPair {
        try await self.bindPair(host: host, on: loop)
    }

    /// Closes both sockets of `pair` and returns its port to the pool. Safe to call twice.
    public func releaseEndpointPair(_ pair: RelaySocketPair) async {
        await self.closeAndRelease([pair.rtp, pair.rtcp], ports: [pair.port])
    }

    /// The event loop group sessions and endpoints run on.
    public var eventLoopGroup: any EventLoopGroup { self.group }
}
