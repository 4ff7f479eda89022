import Logging
import VPBXMedia
import VPBXNetwork

/// The engine's `MediaChannelFactory`: endpoints on the relay's port pool and event loops.
public struct MediaEndpointFactory: MediaChannelFactory {
    let relay: RTPRelay
    let bindHost: String
    let configuration: MediaEndpoint.Configuration
    let logger: Logger

    /// Endpoints bound on `bindHost` (the address the SDP announces), ports from `relay`.
    public init(
        relay: RTPRelay, bindHost: String, configuration: MediaEndpoint.Configuration = .init(),
        logger: Logger = Logger(label: "vpbx.media-endpoint")
    ) {
        self.relay = relay
        self.bindHost = bindHost
        self.configuration = configuration
        self.logger = logger
    }

    public func makeChannel(_ parameters: MediaChannelParameters) async throws -> any MediaChannel {
        try await MediaEndpoint.open(
            relay: relay, bindHost: bindHost, parameters: parameters, configuration: configuration, logger: logger)
    }
}
