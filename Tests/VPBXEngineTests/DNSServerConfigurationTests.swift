import Foundation
import Testing

@testable import VPBXEngine

/// `--dns-server` and its configuration-file key `dnsServer`.
@Suite struct DNSServerConfigurationTests {
    @Test("an IPv4 address alone means port 53; a port may follow")
    func addressAndPort() throws {
        var configuration = EngineConfiguration()
        #expect(configuration.dnsServer == nil)
        try configuration.setDNSServer("192.0.2.53")
        #expect(configuration.dnsServer == DNSServer(address: "192.0.2.53", port: 53))
        try configuration.setDNSServer("127.0.0.1:5353")
        #expect(configuration.dnsServer == DNSServer(address: "127.0.0.1", port: 5353))
    }

    @Test("a name, an IPv6 address, a bad port are refused, saying what is expected", arguments: [
        "dns.example", "2001:db8::53", "127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:", "",
    ])
    func refused(_ text: String) {
        var configuration = EngineConfiguration()
        let error = #expect(throws: EngineConfigurationError.self) { try configuration.setDNSServer(text) }
        #expect(error?.description.contains("IPv4 address") == true)
        #expect(configuration.dnsServer == nil)
    }

    @Test("the file's dnsServer sets it")
    func theFileSetsIt() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-config-\(UUID().uuidString).json")
        try Data(#"{"dnsServer": "127.0.0.1:5300"}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var configuration = EngineConfiguration()
        try configuration.load(file: file.path)
        #expect(configuration.dnsServer == DNSServer(address: "127.0.0.1", port: 5300))
    }
}
