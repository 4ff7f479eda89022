import Foundation

/// One sipp endpoint: its SIP port, media ports and the keys its scenario reads. A peer is
/// a value; `SippProcess` runs it.
struct SippPeer: Sendable {
    var scenario: Scenario
    /// Local SIP port (`-p`).
    var port: UInt16
    /// First of four consecutive media ports (`-mp`; sipp also binds +2 for video echo).
    var mediaPort: UInt16
    /// Control port (`-cp`), so that concurrent sipps do not fight over the default 8888.
    var controlPort: UInt16
    /// `host:port` to send to (UAC scenarios); nil for a UAS.
    var remote: String?
    /// Echo received RTP back to its source (`-rtp_echo`), for callee phones.
    var rtpEcho = false
    /// Extra command-line options: `-s`, `-au`, `-ap`, `-key`.
    var options: [String] = []
    /// Global timeout: sipp gives up (and fails) after this.
    var timeoutSeconds = 30
    /// Number of calls (`-m`).
    var calls = 1
    /// The address sipp's SIP socket binds (`-i`): another loopback address than the phones'
    /// 127.0.0.1 makes it a separate host, as a trunk's provider is. Media stays on 127.0.0.1.
    var signallingAddress = "127.0.0.1"

    /// A peer on fresh free ports.
    init(_ scenario: Scenario, remote: String? = nil, port: UInt16? = nil) throws {
        self.scenario = scenario
        self.remote = remote
        self.port = try port ?? FreePorts.udpPort()
        mediaPort = try FreePorts.udpRange(count: 4, in: FreePorts.peerMediaBand).lowerBound
        controlPort = try FreePorts.udpPort()
    }

    /// `-s NUMBER`: the callee (calls) or the registering extension (REGISTER).
    func service(_ number: String) -> SippPeer { adding(["-s", number]) }

    /// Digest credentials for 401/407 challenges.
    func credentials(user: String, password: String) -> SippPeer { adding(["-au", user, "-ap", password]) }

    /// `-key NAME VALUE`, read as `[NAME]` in the scenario.
    func key(_ name: String, _ value: String) -> SippPeer { adding(["-key", name, value]) }

    /// The calling extension, `[caller]` in the call scenarios.
    func caller(_ number: String) -> SippPeer { key("caller", number) }

    /// Signalling over one TCP connection (`-t t1`) instead of UDP.
    func overTCP() -> SippPeer { adding(["-t", "t1"]) }

    /// At most `limit` calls up at once (`-l`): the test engine's RTP range is small.
    func concurrentCalls(_ limit: Int) -> SippPeer { adding(["-l", String(limit)]) }

    /// Signalling from another loopback address (a provider's server, `-i`).
    func signalling(from address: String) -> SippPeer {
        var copy = self
        copy.signallingAddress = address
        return copy
    }

    func echoingRTP() -> SippPeer {
        var copy = self
        copy.rtpEcho = true
        return copy
    }

    private func adding(_ more: [String]) -> SippPeer {
        var copy = self
        copy.options += more
        return copy
    }

    /// The sipp command line; traces go to `directory` with names starting `stem`.
    func arguments(scenarioPath: String, directory: ScratchDirectory, stem: String) -> [String] {
        var arguments = [
            "-sf", scenarioPath,
            "-i", signallingAddress, "-bind_local",
            "-p", String(port),
            "-mi", "127.0.0.1", "-mp", String(mediaPort),
            "-cp", String(controlPort),
            "-m", String(calls),
            "-nostdin",
            // Every run is bounded: a global timeout that counts as a failure, and a bounded
            // number of UDP retransmissions per message.
            "-timeout", "\(timeoutSeconds)s", "-timeout_error", "-max_retrans", "5",
            "-trace_err", "-error_file", directory.file("\(stem).errors").path,
            "-trace_msg", "-message_file", directory.file("\(stem).messages").path,
        ]
        if rtpEcho { arguments.append("-rtp_echo") }
        arguments += options
        if let remote { arguments.append(remote) }
        return arguments
    }
}
