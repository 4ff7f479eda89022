import Testing

extension Integration {
    /// Bad input must not take the engine down (DESIGN.md: principles).
    @Suite("Robustness")
    struct RobustnessTests {
        /// Datagrams that no SIP parser should accept.
        static let malformed: [[UInt8]] = [
            Array("garbage\r\n\r\n".utf8),
            Array("INVITE sip:1002@127.0.0.1 SIP/2.0\r\nVia: broken\r\nContent-Length: 99999\r\n\r\nv=0".utf8),
            Array("SIP/2.0 abc Nonsense\r\nCSeq: abc\r\n\r\n".utf8),
            Array("OPTIONS sip:x SIP/2.0\r\nVia SIP/2.0/UDP no-colon\r\nCall-ID:\r\nCSeq: 1 OPTIONS\r\n\r\n".utf8),
            Array("REGISTER sip:127.0.0.1 SIP/2.0\r\n".utf8) + Array(repeating: UInt8(ascii: "A"), count: 60_000),
            [0x00, 0xFF, 0xFE, 0x80, 0x0D, 0x0A, 0x0D, 0x0A],
            Array("\r\n\r\n".utf8),
        ]

        @Test("malformed SIP datagrams: no crash, status and OPTIONS still answered")
        func malformedDatagrams() async throws {
            try await TestPBX.run { pbx in
                for datagram in Self.malformed {
                    try UDPDatagram.send(datagram, toPort: pbx.options.sipPort)
                }
                try await Task.sleep(for: .milliseconds(500))
                #expect(pbx.engine.isRunning, "vpbx-engine died after malformed datagrams")
                try await pbx.cli.succeed(["status"])
                try await pbx.run(try pbx.phone(.options), name: "probe").requireSuccess()
            }
        }

        /// An offer at the top of the port range puts RTCP on port 65536, which no socket
        /// address holds; converting it used to trap and take the engine down.
        static func invite(mediaPort: Int, sipPort: UInt16) -> String {
            let sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio \(mediaPort) RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n"
            return "INVITE sip:1002@127.0.0.1:\(sipPort) SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-top-port\r\n"
                + "From: <sip:1001@127.0.0.1>;tag=top-port\r\nTo: <sip:1002@127.0.0.1>\r\n"
                + "Call-ID: top-port@127.0.0.1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
                + "Contact: <sip:1001@127.0.0.1:9>\r\nContent-Type: application/sdp\r\n"
                + "Content-Length: \(sdp.utf8.count)\r\n\r\n" + sdp
        }

        @Test("an offer with media port 65535: no crash, the engine still answers")
        func topMediaPort() async throws {
            try await TestPBX.run(trusted: ["127.0.0.0/8"]) { pbx in
                try await pbx.addExtension("1001", password: Fixture.password("1001"))
                try await pbx.addExtension("1002", password: Fixture.password("1002"), staticContact: "sip:1002@127.0.0.1:9")
                try UDPDatagram.send(Self.invite(mediaPort: 65_535, sipPort: pbx.options.sipPort), toPort: pbx.options.sipPort)
                // The call was taken on (it rings 1002's unanswering contact), its media set up.
                try await eventually("the call from 1001") { try await pbx.liveCalls().isEmpty ? nil : true }
                try await pbx.cli.succeed(["status"])
                try await pbx.run(try pbx.phone(.options), name: "probe").requireSuccess()
                // The old trap took a few seconds of backtrace printing before the process died.
                try await Task.sleep(for: .seconds(1))
                #expect(pbx.engine.isRunning, "vpbx-engine died on an offer with media port 65535")
            }
        }
    }
}
