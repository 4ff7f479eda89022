import Foundation
import VPBXMedia

/// A real softphone as the second independent peer after sipp: baresip (Debian's
/// `baresip-core`), with its own SIP stack, digest client, SDP offer/answer and RTP. It
/// registers to the engine as an extension, talks a sine tone into its calls and records what
/// it hears (the `sndfile` module's dump of decoded audio), and takes commands (`/dial`,
/// `/hangup`, `/hold`, `/resume`, `/quit`) as UDP datagrams to its console module, so the test
/// decides when each step happens.
///
/// Everything stays on 127.0.0.1: `net_interface` pins it there (by default it announces the
/// machine's first interface in its SDP). Its SIP port, the TLS port after it, the console port
/// and the RTP ports come from `FreePorts`; `stop()` ends it by PID.
final class BaresipPhone {
    let number: String
    /// The engine's SIP address (`host:port`): messages from it are the ones the phone received.
    let registrar: String
    let directory: URL
    let sipPort: UInt16
    let consolePort: UInt16
    private let child: ChildProcess
    private let logFile: URL

    /// The baresip executable from PATH, or an error saying how to install it.
    static func executable() throws -> URL {
        try ToolPath.require("baresip", package: "baresip-core")
    }

    /// Starts a phone for extension `number` registering at `registrar` (`host:port`) with
    /// `password` over `transport` (`udp` or `tcp`); it answers calls at once when
    /// `answersAutomatically`, talks a sine of `tone` Hz, and offers and accepts `codecs`
    /// (baresip's names, in preference order). `sendsInstance`: the phone names itself with
    /// an RFC 5626 `+sip.instance` (and `reg-id`), which baresip sends only in its outbound
    /// mode, its UUID kept in the phone's directory (a second phone for the same number is
    /// the same device, restarted). `mediaEncryption`: baresip's `mediaenc` (`srtp-mand`:
    /// SRTP with SDES keys, RTP/SAVP, nothing else accepted).
    init(
        number: String, password: String, registrar: String, transport: String = "udp", tone: Int,
        codecs: String = "PCMA,PCMU", answersAutomatically: Bool = true, sendsInstance: Bool = false,
        mediaEncryption: String? = nil, scratch: ScratchDirectory
    ) throws {
        self.number = number
        self.registrar = registrar
        directory = scratch.file("baresip-\(number)")
        // The SIP port and the next one: baresip listens for TLS on the port after UDP/TCP.
        sipPort = try FreePorts.udpRange(count: 2, in: FreePorts.peerSignallingBand).lowerBound
        consolePort = try FreePorts.udpPort()
        let rtpPorts = try FreePorts.udpRange(count: 10, in: FreePorts.peerMediaBand)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = """
            poll_method epoll
            sip_listen 127.0.0.1:\(sipPort)
            net_interface 127.0.0.1
            call_local_timeout 120
            audio_player aubridge,nil
            audio_alert aubridge,nil
            audio_source ausine,\(tone)
            ausrc_srate 48000
            ausrc_channels 2
            rtp_ports \(rtpPorts.lowerBound)-\(rtpPorts.upperBound)
            rtcp_mux no
            snd_path \(directory.path)
            cons_listen 127.0.0.1:\(consolePort)
            module_path /usr/lib/baresip/modules
            module g711.so
            module ausine.so
            module aubridge.so
            module sndfile.so
            module cons.so
            \(mediaEncryption != nil ? "module srtp.so\n" : "")            \(sendsInstance ? "module_tmp uuid.so\n" : "")module_tmp account.so
            module_app menu.so

            """
        try config.write(to: directory.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let answerMode = answersAutomatically ? ";answermode=auto" : ""
        let outbound =
            (sendsInstance ? ";sipnat=outbound;outbound=\"sip:\(registrar);transport=\(transport)\"" : "")
            + (mediaEncryption.map { ";mediaenc=\($0)" } ?? "")
        let account = "<sip:\(number)@\(registrar);transport=\(transport)>;auth_pass=\(password);audio_codecs=\(codecs);regint=600\(answerMode)\(outbound)\n"
        try account.write(to: directory.appendingPathComponent("accounts"), atomically: true, encoding: .utf8)
        try "".write(to: directory.appendingPathComponent("contacts"), atomically: true, encoding: .utf8)
        logFile = scratch.file("baresip-\(number).log")
        // -4: IPv4 only; -s: the SIP trace goes to the log, which the tests read.
        child = try ChildProcess(
            try Self.executable(), ["-4", "-s", "-f", directory.path], stdout: logFile, stderr: logFile)
    }

    var isRunning: Bool { child.isRunning }

    /// Kills the phone (SIGKILL) as a crash or a power cut would: it does not unregister.
    func crash() async {
        _ = await child.wait(timeout: .zero)
    }

    /// What baresip printed so far: its SIP trace and its call events.
    var log: String {
        FileManager.default.contents(atPath: logFile.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// The end of the log, for failure messages.
    var logTail: String { tail(of: logFile, lines: 80) }

    /// Presses `key` on the phone's keypad: in a call, baresip sends it as an RFC 4733
    /// telephone-event.
    func press(_ key: Character) throws {
        try UDPDatagram.send(String(key), toPort: consolePort)
    }

    /// Presses `keys` one after another, 250 ms apart, as a person keys a PIN.
    func press(keys: String) async throws {
        for key in keys {
            try press(key)
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Types `command` at the phone's console (`/dial sip:1002@...`, `/hangup`, ...).
    func send(_ command: String) throws {
        try UDPDatagram.send(command + "\n", toPort: consolePort)
    }

    /// Asks the phone to quit (it unregisters first), then stops it by PID if it has not
    /// ended within `grace`.
    func stop(grace: Duration = .seconds(5)) async {
        guard child.isRunning else { return }
        try? send("/quit")
        if await child.wait(timeout: grace) == nil { await child.stop(grace: .seconds(2)) }
    }

    /// What the phone heard in its last call, as 8 kHz mono samples: the decoded audio the
    /// `sndfile` module wrote, complete once the call has ended.
    func heardAudio() throws -> [Int16] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        guard let name = names.filter({ $0.hasPrefix("dump-") && $0.hasSuffix("-dec.wav") }).sorted().last else {
            throw HarnessError("baresip \(number) recorded no received audio (no dump-*-dec.wav in \(directory.path))")
        }
        let bytes = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
        return try WAVReader.read(bytes, name: name).telephoneAudio()
    }

    /// The transport (`UDP`, `TCP`) of each message the phone received whose start line
    /// begins with `startLine` (`INVITE `, `SIP/2.0 200`), in trace order.
    func transports(ofReceived startLine: String) -> [String] {
        var header: (transport: String, inbound: Bool)?
        var found: [String] = []
        for line in log.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ")
            if words.count == 4, ["UDP", "TCP", "TLS"].contains(words[0]), words[2] == "->" {
                header = (String(words[0]), words[1] == registrar)
                continue
            }
            if let current = header {
                if current.inbound && line.hasPrefix(startLine) { found.append(current.transport) }
                header = nil  // only the line right after the header is a start line
            }
        }
        return found
    }

    /// The SDP direction attributes (`sendrecv`, `sendonly`, ...) of the messages the phone
    /// received (`received`) or sent, in trace order. The trace heads each message with
    /// `UDP <from> -> <to>`; what comes from the engine's address was received (over TCP the
    /// phone's own end is its connection's port, not its listening port).
    func directions(received: Bool) -> [String] {
        sdpLines(received: received) { ["a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive"].contains($0) }
            .map { String($0.dropFirst(2)) }
    }

    /// Puts the call on hold, waits until the hold is answered (`a=recvonly`), holds for
    /// `holding`, resumes, and waits until the resume is answered (`a=sendrecv` again).
    func holdThenResume(holding: Duration) async throws {
        try send("/hold")
        try await eventually("the hold answered") { self.directions(received: true).contains("recvonly") ? true : nil }
        try await Task.sleep(for: holding)
        try send("/resume")
        try await eventually("the resume answered") {
            let directions = self.directions(received: true)
            return directions.last == "sendrecv" && directions.count >= 3 ? true : nil
        }
    }

    /// The SDP lines starting with `prefix` (`m=audio`, `a=crypto:`) of the messages the phone
    /// received or sent, in trace order.
    func sdpLines(received: Bool, prefix: String) -> [String] {
        sdpLines(received: received) { $0.hasPrefix(prefix) }
    }

    private func sdpLines(received: Bool, where wanted: (String) -> Bool) -> [String] {
        var inbound: Bool?
        var found: [String] = []
        for line in log.split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            let words = text.split(separator: " ")
            if words.count == 4, ["UDP", "TCP", "TLS"].contains(words[0]), words[2] == "->" {
                inbound = words[1] == registrar
            } else if inbound == received, wanted(text) {
                found.append(text)
            }
        }
        return found
    }
}
