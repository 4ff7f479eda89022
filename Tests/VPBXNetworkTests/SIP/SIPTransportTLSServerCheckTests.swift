import Foundation
import NIOCore
import NIOSSL
import Testing
import VPBXSIP

@testable import VPBXNetwork

/// TLS connections to a server whose certificate the engine checks (a trunk's provider,
/// ``SIPEndpoint/serverName``): sent only once the certificate chains to a trusted CA and
/// names the server; otherwise nothing leaves in any form and the failure is counted.
@Suite("SIPTransport over TLS: checking a provider's certificate")
struct SIPTransportTLSServerCheckTests {
    typealias Certificates = SIPTransportTLSTests

    /// A provider's TLS server presenting the test certificate (for IP 127.0.0.1, no name).
    static func provider() async throws -> TCPTestServer {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(Certificates.certificatePEM.utf8))
        let key = try NIOSSLPrivateKey(bytes: Array(Certificates.keyPEM.utf8), format: .pem)
        return try await TCPTestServer.start(
            tls: try NIOSSLContext(
                configuration: .makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))))
    }

    /// A file holding `pem`, as an administrator's `--tls-ca-file`.
    static func trustFile(_ pem: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-ca-\(UUID().uuidString).pem")
        try pem.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    static func options(callID: String) throws -> SIPMessage {
        guard
            case .request(let request) = try SIPParser().parse(
                optionsBytes(viaPort: 5061, transport: "TLS", callID: callID))
        else { throw TimedOut(description: "the OPTIONS did not parse as a request") }
        return .request(request)
    }

    @Test func aCertificateSignedByATrustedCAForTheAddressIsAccepted() async throws {
        let trust = try Self.trustFile(Certificates.certificatePEM)
        defer { try? FileManager.default.removeItem(atPath: trust) }
        // No TLS listener of its own: a trunk may use TLS on an engine whose phones do not.
        let harness = try await TransportHarness.start(tlsTrustRoots: trust)
        let provider = try await Self.provider()
        defer {
            Task {
                await provider.close()
                await harness.stop()
            }
        }

        let endpoint = SIPEndpoint(transport: .tls, address: try localhost(provider.port), serverName: "127.0.0.1")
        harness.transport.send(try Self.options(callID: "checked"), to: endpoint)
        try await eventually("the OPTIONS decrypted at the provider") {
            String(decoding: provider.log.bytes, as: UTF8.self).contains("Call-ID: checked")
        }
        #expect(harness.transport.statistics.sendFailures == 0)
    }

    @Test(
        "a certificate of an untrusted CA, or not naming the server, gets nothing sent and is counted",
        arguments: [
            (trusted: SIPTransportTLSTests.renewedCertificatePEM, serverName: "127.0.0.1"),
            (trusted: SIPTransportTLSTests.certificatePEM, serverName: "sip.provider.example"),
        ])
    func aCertificateThatDoesNotCheckOutIsRefused(trusted: String, serverName: String) async throws {
        let trust = try Self.trustFile(trusted)
        defer { try? FileManager.default.removeItem(atPath: trust) }
        let harness = try await TransportHarness.start(tlsTrustRoots: trust)
        let provider = try await Self.provider()
        defer {
            Task {
                await provider.close()
                await harness.stop()
            }
        }

        let endpoint = SIPEndpoint(transport: .tls, address: try localhost(provider.port), serverName: serverName)
        harness.transport.send(try Self.options(callID: "refused"), to: endpoint)
        // The verdict runs as a task on Swift's cooperative pool, which the unit suite's
        // parallel tests keep busy on a loaded 2-core machine (once it took more than 10 s):
        // a wider bound here; the engine's own timing is `TrunkTLSCallTests.untrustedProvider`'s.
        try await eventually(timeout: .seconds(60), "the failure counted") {
            harness.transport.statistics.sendFailures >= 1
        }
        try await eventually("the connection closed") { harness.transport.connectionCount == 0 }
        #expect(!String(decoding: provider.log.bytes, as: UTF8.self).contains("refused"), "nothing readable arrived")
        // Reported back, so that the request's transaction fails now instead of timing out.
        try await eventually("the OPTIONS reported undeliverable") {
            harness.undeliverable.contains { String(decoding: $0.bytes, as: UTF8.self).contains("Call-ID: refused") }
        }
    }

    @Test func aRefusedConnectionIsReportedUndeliverable() async throws {
        let harness = try await TransportHarness.start()
        defer { Task { await harness.stop() } }
        // A port nobody listens on: the connect is refused at once.
        let closed = try await TCPTestServer.start()
        let port = closed.port
        await closed.close()
        harness.transport.send(try Self.options(callID: "nobody"), to: .tcp(try localhost(port)))
        try await eventually("the OPTIONS reported undeliverable") {
            harness.undeliverable.contains { String(decoding: $0.bytes, as: UTF8.self).contains("Call-ID: nobody") }
        }
        #expect(harness.transport.statistics.sendFailures >= 1)
    }

    @Test func aPhonesTLSContactIsStillNotChecked() async throws {
        // The same untrusted server as a phone's contact (no server name): reached as before.
        let files = try Certificates.files()
        defer { Certificates.remove(files) }
        let trust = try Self.trustFile(Certificates.renewedCertificatePEM)
        defer { try? FileManager.default.removeItem(atPath: trust) }
        let harness = try await TransportHarness.start(tls: files, tlsTrustRoots: trust)
        let phone = try await Self.provider()
        defer {
            Task {
                await phone.close()
                await harness.stop()
            }
        }

        harness.transport.send(try Self.options(callID: "phone"), to: .tls(try localhost(phone.port)))
        try await eventually("the OPTIONS at the phone") {
            String(decoding: phone.log.bytes, as: UTF8.self).contains("Call-ID: phone")
        }
    }

    @Test func aTrunkNeverUsesAConnectionNotCheckedForIt() async throws {
        // A phone's unchecked connection to the address is open; a trunk's request to the same
        // address opens its own, checked, connection: the certificate fails the check there,
        // and nothing of the trunk's request reaches the server on the open connection.
        let files = try Certificates.files()
        defer { Certificates.remove(files) }
        let trust = try Self.trustFile(Certificates.renewedCertificatePEM)
        defer { try? FileManager.default.removeItem(atPath: trust) }
        let harness = try await TransportHarness.start(tls: files, tlsTrustRoots: trust)
        let server = try await Self.provider()
        defer {
            Task {
                await server.close()
                await harness.stop()
            }
        }

        harness.transport.send(try Self.options(callID: "phone"), to: .tls(try localhost(server.port)))
        try await eventually("the phone's OPTIONS at the server") {
            String(decoding: server.log.bytes, as: UTF8.self).contains("Call-ID: phone")
        }
        let trunk = SIPEndpoint(transport: .tls, address: try localhost(server.port), serverName: "127.0.0.1")
        harness.transport.send(try Self.options(callID: "trunk"), to: trunk)
        try await eventually("the trunk's connection refused by the check") {
            harness.transport.statistics.sendFailures >= 1
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!String(decoding: server.log.bytes, as: UTF8.self).contains("Call-ID: trunk"))
    }

    @Test func anUnreadableCAFileStopsTheStartNamingTheFile() async throws {
        do {
            _ = try await TransportHarness.start(tlsTrustRoots: "/nonexistent/ca.pem")
            Issue.record("started with a CA file that is not there")
        } catch {
            #expect("\(error)".contains("/nonexistent/ca.pem"), "\(error)")
        }
        let notPEM = try Self.trustFile("not a certificate")
        defer { try? FileManager.default.removeItem(atPath: notPEM) }
        do {
            _ = try await TransportHarness.start(tlsTrustRoots: notPEM)
            Issue.record("started with a CA file holding no certificate")
        } catch {
            #expect("\(error)".contains(notPEM), "\(error)")
        }
    }
}
