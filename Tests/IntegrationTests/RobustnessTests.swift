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
    }
}
