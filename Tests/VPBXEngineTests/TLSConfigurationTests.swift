import Foundation
import Testing

@testable import VPBXEngine

/// `--sip-tls-port`, `--tls-certificate`, `--tls-key`, `--tls-ca-file` and their configuration-file keys.
@Suite struct TLSConfigurationTests {
    @Test func offWithoutACertificate() throws {
        #expect(try EngineConfiguration().sipTLS() == nil)
    }

    @Test func onWithBothFilesOnPort5061ByDefault() throws {
        var configuration = EngineConfiguration()
        configuration.tlsCertificateFile = "/etc/vpbx/cert.pem"
        configuration.tlsKeyFile = "/etc/vpbx/key.pem"
        let tls = try #require(try configuration.sipTLS())
        #expect(tls.port == 5061 && tls.certificate == "/etc/vpbx/cert.pem" && tls.key == "/etc/vpbx/key.pem")
    }

    @Test func oneFileWithoutTheOtherIsRefused() {
        var configuration = EngineConfiguration()
        configuration.tlsCertificateFile = "/etc/vpbx/cert.pem"
        let error = #expect(throws: EngineConfigurationError.self) { try configuration.sipTLS() }
        #expect(error?.description.contains("--tls-key") == true)
    }

    @Test func theUDPAndTCPPortIsRefusedForTLS() throws {
        var configuration = EngineConfiguration()
        try configuration.setSIPListen("0.0.0.0:5061")
        configuration.tlsCertificateFile = "c.pem"
        configuration.tlsKeyFile = "k.pem"
        let error = #expect(throws: EngineConfigurationError.self) { try configuration.sipTLS() }
        #expect(error?.description.contains("5061") == true)
        #expect(throws: EngineConfigurationError.self) { try configuration.setSIPTLSPort(0) }
    }

    @Test func theFileSetsThem() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-config-\(UUID().uuidString).json")
        try Data(#"{"sipTlsPort": 5071, "tlsCertificate": "/c.pem", "tlsKey": "/k.pem", "tlsCaFile": "/ca.pem"}"#.utf8)
            .write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var configuration = EngineConfiguration()
        try configuration.load(file: file.path)
        let tls = try #require(try configuration.sipTLS())
        #expect(tls.port == 5071 && tls.certificate == "/c.pem" && tls.key == "/k.pem")
        #expect(configuration.tlsCAFile == "/ca.pem")
    }
}
