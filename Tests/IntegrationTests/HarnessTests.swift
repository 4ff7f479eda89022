import Foundation
import Testing

/// The harness itself, without sipp or the engine: these always run.
@Suite("Harness")
struct HarnessTests {
    @Test("the package root is found from the source path")
    func packageRoot() {
        #expect(FileManager.default.fileExists(atPath: PackageLayout.root.appendingPathComponent("Package.swift").path))
    }

    @Test("a missing executable fails with a message that says to run swift build")
    func missingExecutable() {
        #expect {
            try PackageLayout.executable("vpbx-no-such-binary")
        } throws: { error in
            "\(error)".contains("run 'swift build' first")
        }
    }

    @Test("free ports: SIP port bindable, ranges consecutive and even-aligned")
    func freePorts() throws {
        let sip = try FreePorts.sipPort()
        #expect(FreePorts.engineSIPBand.contains(sip))
        let range = try FreePorts.udpRange(count: 10)
        #expect(range.count == 10)
        #expect(range.lowerBound % 2 == 0)
        #expect(
            FreePorts.engineRTPBand.contains(range.lowerBound) && FreePorts.engineRTPBand.contains(range.upperBound))
        let media = try FreePorts.udpRange(count: 4, in: FreePorts.peerMediaBand)
        #expect(media.lowerBound > 60_999)  // above Linux's ephemeral ports
        let bands = [
            FreePorts.engineRTPBand, FreePorts.peerMediaBand, FreePorts.peerSignallingBand, FreePorts.engineSIPBand,
        ]
        for (index, band) in bands.enumerated() {
            #expect(band.lowerBound > 60_999)
            for other in bands[(index + 1)...] { #expect(!band.overlaps(other)) }
        }
        #expect(FreePorts.peerSignallingBand.contains(try FreePorts.udpPort()))
    }

    @Test("scratch directories are short enough for the control socket path")
    func scratchPath() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let options = try EngineOptions(scratch: scratch)
        #expect(options.socket.utf8.count <= 107)
        #expect(FileManager.default.fileExists(atPath: scratch.path))
        #expect(options.arguments.contains("--sip-listen"))
        #expect(options.arguments.contains("127.0.0.1:\(options.sipPort)"))
        #expect(!options.arguments.contains("--trusted"))
    }

    @Test("a child process past its deadline is killed, and exit codes come back")
    func childProcessBounds() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let out = scratch.file("out")
        let started = ContinuousClock.now
        let hung = try await ChildProcess.run(
            URL(fileURLWithPath: "/bin/sleep"), ["30"], stdout: out, stderr: out, timeout: .milliseconds(300))
        #expect(hung == nil)
        #expect(ContinuousClock.now - started < .seconds(10))
        let three = try await ChildProcess.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "echo hi; exit 3"], stdout: out, stderr: out, timeout: .seconds(10))
        #expect(three == 3)
        #expect(tail(of: out) == "hi\n")
    }

    @Test("SIGTERM then SIGKILL: a process ignoring SIGTERM still ends")
    func stopEscalates() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let out = scratch.file("out")
        // The shell outlives SIGTERM; its `sleep 5` (holding stdout) outlives the shell and the 0.5 s grace.
        let child = try ChildProcess(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "trap '' TERM; sleep 5; echo done"], stdout: out, stderr: out)
        try await Task.sleep(for: .milliseconds(200))
        let status = await child.stop(grace: .milliseconds(500))
        #expect(!child.isRunning)
        #expect(status == 128 + 9)
    }

    @Test("children start with no blocked signals, so that SIGTERM reaches the engine")
    func cleanSignalMask() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let out = scratch.file("out")
        let status = try await ChildProcess.run(
            // exec: grep reads its own mask. Reading the shell's instead would race with dash,
            // which blocks every signal in itself while it forks.
            URL(fileURLWithPath: "/bin/sh"), ["-c", "exec grep SigBlk /proc/self/status"], stdout: out, stderr: out,
            timeout: .seconds(10))
        #expect(status == 0)
        #expect(tail(of: out).contains("0000000000000000"), "blocked signals in the child: \(tail(of: out))")
    }

    @Test("sipp message traces: received messages and the SDP audio endpoint")
    func messageLog() throws {
        let log = """
            ----------------------------------------------- 2026-01-01 10:00:00.000000
            UDP message sent (10 bytes):

            INVITE sip:1002@127.0.0.1 SIP/2.0
            Call-ID: a

            ----------------------------------------------- 2026-01-01 10:00:00.100000
            UDP message received [300] bytes :

            SIP/2.0 200 OK\r
            CSeq: 1 INVITE\r
            \r
            v=0\r
            c=IN IP4 127.0.0.1\r
            m=audio 20002 RTP/AVP 8 101\r

            """
        let received = SippMessageLog.received(in: log)
        #expect(received.count == 1)
        let message = try #require(received.first)
        #expect(message.hasPrefix("SIP/2.0 200 OK"))
        let endpoint = try #require(SippMessageLog.audioEndpoint(in: message))
        #expect(endpoint.address == "127.0.0.1")
        #expect(endpoint.port == 20002)
    }
}
