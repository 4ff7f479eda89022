import Foundation
import Testing
import VPBXControl

extension Integration {
    /// Trunks whose servers the engine finds by DNS (RFC 3263): the provider's domain,
    /// `provider.test`, is served by a dnsmasq on loopback that the engine asks instead of the
    /// system's resolvers (`--dns-server`); its servers are sipp on 127.0.0.2 and nothing on
    /// 127.0.0.3.
    @Suite("Trunks found by SRV")
    struct TrunkSRVCallTests {
        static let domain = "provider.test"

        @Test(
            "SRV over TCP: the first server refuses the connection, the call goes to the second at once, sent to the domain"
        )
        func failsOverToTheNextServer() async throws {
            let dnsPort = try FreePorts.udpPort()
            try await TestPBX.run(configure: { $0.dnsServerPort = dnsPort }) { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let provider = try await TrunkCallTests.provider(pbx, ear: providerEar, overTCP: true)
                let providerPort = try await pbx.cli.json(TrunkInfo.self, ["trunk", "show", "provider"]).port
                let deadPort = try FreePorts.sipPort()  // nothing listens there on 127.0.0.3
                let dns = try await pbx.dnsServer(
                    hosts: [
                        ("sbc1.\(Self.domain)", "127.0.0.3"), ("sbc2.\(Self.domain)", TrunkCallTests.providerAddress),
                    ],
                    services: [
                        .init(
                            name: "_sip._tcp.\(Self.domain)", target: "sbc1.\(Self.domain)", port: deadPort,
                            priority: 10, weight: 0),
                        .init(
                            name: "_sip._tcp.\(Self.domain)", target: "sbc2.\(Self.domain)", port: UInt16(providerPort),
                            priority: 20, weight: 0),
                    ])
                // A host name without a port: its SRV records.
                let trunk = try await pbx.cli.json(TrunkInfo.self, ["trunk", "set", "provider", "--host", Self.domain])
                #expect(
                    trunk.srv == true && trunk.srvName == "_sip._tcp.\(Self.domain)" && trunk.transport == "tcp",
                    "\(trunk)")
                let expected = ["127.0.0.3:\(deadPort)", "\(TrunkCallTests.providerAddress):\(providerPort)"]
                let servers = try await eventually("the trunk's servers found by SRV, in priority order") {
                    let info = try await pbx.cli.json(TrunkInfo.self, ["trunk", "show", "provider"])
                    return info.servers == expected ? info.servers : nil
                }
                #expect(servers == expected)
                let shown = try await pbx.cli.run(["trunk", "show", "provider"], json: false).stdout
                #expect(
                    shown.contains("_sip._tcp.\(Self.domain)") && shown.contains(expected.joined(separator: ", ")),
                    "\(shown)")

                let started = ContinuousClock.now
                let (call, providerResult) = try await TrunkCallTests.talkingCall(
                    pbx, dialling: "06301234567", provider: provider, ears: (callerEar, providerEar))
                #expect(call.callee == "+36301234567")
                let invite = try #require(providerResult.receivedMessages().last { $0.hasPrefix("INVITE ") })
                // The Request-URI names the domain, whichever server takes it (RFC 3263 §4).
                #expect(invite.hasPrefix("INVITE sip:+36301234567@\(Self.domain);transport=tcp SIP/2.0"), "\(invite)")
                let cdr = try await pbx.cdr(from: Fixture.caller, to: "+36301234567")
                #expect(cdr.disposition == .answered && cdr.path == ["trunk:provider", "trunk:provider"], "\(cdr)")
                // A refused connection fails over at once, not after the 32 s of timer B.
                #expect(ContinuousClock.now - started < .seconds(25))
                #expect(dns.log.contains("_sip._tcp.\(Self.domain)"), "\(dns.log)")
            }
        }

        @Test("SRV asked, none there: the domain's own address at the trunk's port; an IP address cannot be looked up")
        func withoutRecordsTheDomainItself() async throws {
            let dnsPort = try FreePorts.udpPort()
            try await TestPBX.run(configure: { $0.dnsServerPort = dnsPort }) { pbx in
                let (callerEar, providerEar) = (try RTPCapture(), try RTPCapture())
                try await pbx.addExtension(Fixture.caller, password: Fixture.password(Fixture.caller))
                let provider = try await TrunkCallTests.provider(pbx, ear: providerEar)
                let providerPort = try await pbx.cli.json(TrunkInfo.self, ["trunk", "show", "provider"]).port
                let dns = try await pbx.dnsServer(hosts: [(Self.domain, TrunkCallTests.providerAddress)], services: [])
                // A port of its own turns SRV off unless asked for.
                let plain = try await pbx.cli.json(
                    TrunkInfo.self, ["trunk", "set", "provider", "--host", "\(Self.domain):\(providerPort)"])
                #expect(plain.srv == false, "\(plain)")
                let trunk = try await pbx.cli.json(TrunkInfo.self, ["trunk", "set", "provider", "--srv", "on"])
                #expect(trunk.srv == true && trunk.port == providerPort, "\(trunk)")
                let expected = ["\(TrunkCallTests.providerAddress):\(providerPort)"]
                _ = try await eventually("the domain's own address") {
                    let info = try await pbx.cli.json(TrunkInfo.self, ["trunk", "show", "provider"])
                    return info.servers == expected ? info.servers : nil
                }
                let (call, _) = try await TrunkCallTests.talkingCall(
                    pbx, dialling: "06301234567", provider: provider, ears: (callerEar, providerEar))
                #expect(call.callee == "+36301234567")
                #expect(dns.log.contains("_sip._udp.\(Self.domain)"), "the SRV question was asked: \(dns.log)")

                let refused = try await pbx.cli.run(["trunk", "set", "provider", "--host", "127.0.0.2", "--srv", "on"])
                #expect(
                    refused.exitCode == 1 && refused.stderr.contains("SRV") && refused.stderr.contains("127.0.0.2"),
                    "\(refused.summary)")
                let byAddress = try await pbx.cli.json(
                    TrunkInfo.self, ["trunk", "add", "gateway", "--host", "127.0.0.9"])
                #expect(byAddress.srv == false, "\(byAddress)")
            }
        }
    }
}
