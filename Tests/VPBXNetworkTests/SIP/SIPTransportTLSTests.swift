import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import Testing
import VPBXSIP

@testable import VPBXNetwork

/// SIP over TLS: the transport's TLS listener, and the TLS connections it opens itself.
@Suite("SIPTransport over TLS")
struct SIPTransportTLSTests {
    /// A self-signed P-256 certificate for 127.0.0.1 valid until 2126, and its key: test data
    /// only (made with `openssl req -x509 -newkey ec`), never a secret of anything.
    static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBkDCCATagAwIBAgIUfzuHgNt3dlYayExM58Zgs/qZJrYwCgYIKoZIzj0EAwIw
        FDESMBAGA1UEAwwJdnBieCB0ZXN0MCAXDTI2MTIwNTIwMTYxNloYDzIxMjYxMTEx
        MjAxNjE2WjAUMRIwEAYDVQQDDAl2cGJ4IHRlc3QwWTATBgcqhkjOPQIBBggqhkjO
        PQMBBwNCAAQPm/DDcj7MU/DgTUQWD72XQcs6xtA/d52z51YortfXhm272ZnePz7m
        yVbARBvSD1wyJNgRwdx8yygwf4tCqNpQo2QwYjAdBgNVHQ4EFgQUeiRTh43n7SoV
        XgAUW6ABC6Ez9QQwHwYDVR0jBBgwFoAUeiRTh43n7SoVXgAUW6ABC6Ez9QQwDwYD
        VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC
        IEYU1gNxr//FJSlqbz/g9yDj1UGlR5idSsJRqyw4HicxAiEAhY0nf42QeQVL+GYy
        yMli3Sg8V/3QEQh3rDPkuCClaKo=
        -----END CERTIFICATE-----
        """
    static let keyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgiM3jGROpzpGBoXLG
        B/zeegdSFaSLlMGygK0MED8PkXehRANCAAQPm/DDcj7MU/DgTUQWD72XQcs6xtA/
        d52z51YortfXhm272ZnePz7myVbARBvSD1wyJNgRwdx8yygwf4tCqNpQ
        -----END PRIVATE KEY-----
        """

    /// A second one (CN "vpbx test renewed"), for a renewal: test data only as well.
    static let renewedCertificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBoDCCAUagAwIBAgIUOjtOvMItmZnoZIL9bRBVeQ4EW6EwCgYIKoZIzj0EAwIw
        HDEaMBgGA1UEAwwRdnBieCB0ZXN0IHJlbmV3ZWQwIBcNMjYxMjA1MjEwNDQxWhgP
        MjEyNjExMTEyMTA0NDFaMBwxGjAYBgNVBAMMEXZwYnggdGVzdCByZW5ld2VkMFkw
        EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEdsHLTAD6UCqmWwJMaxn3sUudh9K5HxD8
        TZPnLhzVLmCBeXAkAXKqVgE9DoEx5GlNhf7ZUg47cEEywonp8rVlP6NkMGIwHQYD
        VR0OBBYEFMp32MbFuAut4mCPBr3BLsPQJL3GMB8GA1UdIwQYMBaAFMp32MbFuAut
        4mCPBr3BLsPQJL3GMA8GA1UdEwEB/wQFMAMBAf8wDwYDVR0RBAgwBocEfwAAATAK
        BggqhkjOPQQDAgNIADBFAiEA1nNsrCv/aHcqikIFIEv9wXNLXHr+E17zHsdiQG3h
        8e8CIETupeqmoGpnxG6VwM5hV4aIZif/rb8G93udvLQrWOls
        -----END CERTIFICATE-----
        """
    static let renewedKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgrESxDQzqGg8q2Kln
        sNOtxHe19DqkdEXZGS+81awGdfehRANCAAR2wctMAPpQKqZbAkxrGfexS52H0rkf
        EPxNk+cuHNUuYIF5cCQBcqpWAT0OgTHkaU2F/tlSDjtwQTLCienytWU/
        -----END PRIVATE KEY-----
        """

    /// The PEM files in a fresh directory, as an administrator gives them to the engine.
    static func files(certificate: String = certificatePEM, key: String = keyPEM) throws -> SIPTLSConfiguration {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificateFile = directory.appendingPathComponent("cert.pem")
        let keyFile = directory.appendingPathComponent("key.pem")
        try certificate.write(to: certificateFile, atomically: true, encoding: .utf8)
        try key.write(to: keyFile, atomically: true, encoding: .utf8)
        return SIPTLSConfiguration(port: 0, certificateFile: certificateFile.path, privateKeyFile: keyFile.path)
    }

    /// Removes the directory ``files(certificate:key:)`` made.
    static func remove(_ files: SIPTLSConfiguration) {
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: files.certificateFile).deletingLastPathComponent())
    }

    /// What a phone that does not check the engine's certificate connects with.
    static func phoneContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return try NIOSSLContext(configuration: configuration)
    }

    @Test func optionsOverTLSIsAnsweredOnTheSameConnection() async throws {
        let files = try Self.files()
        defer { Self.remove(files) }
        let harness = try await TransportHarness.start(tls: files)
        let tlsPort = try #require(harness.transport.localTLSPort)
        #expect(tlsPort != harness.port)
        let peer = try await TCPPeer.connect(port: tlsPort, tls: try Self.phoneContext())
        defer { Task { await peer.close(); await harness.stop() } }

        try await peer.send(optionsBytes(viaPort: peer.localPort, transport: "TLS"))
        let responses = try await peer.waitForResponses(1)
        #expect(responses[0].statusCode == 200)
        let inbound = try #require(harness.received.first)
        #expect(inbound.source.transport == .tls)
        #expect(inbound.source.address.port == peer.localPort)
        #expect(inbound.source.connection != nil)
    }

    @Test func plainSIPOnTheTLSPortIsNeverTakenAndTheConnectionCloses() async throws {
        let files = try Self.files()
        defer { Self.remove(files) }
        let harness = try await TransportHarness.start(tls: files)
        let peer = try await TCPPeer.connect(port: try #require(harness.transport.localTLSPort))
        defer { Task { await peer.close(); await harness.stop() } }

        try await peer.send(optionsBytes(viaPort: peer.localPort, transport: "TCP"))
        try await peer.waitUntilClosed()
        #expect(harness.received.isEmpty)
        #expect(parseableResponses(peer.received) == 0, "no SIP answered in the clear")
    }

    @Test func aRequestToATLSContactOpensATLSConnection() async throws {
        let files = try Self.files()
        defer { Self.remove(files) }
        let harness = try await TransportHarness.start(tls: files)
        let phone = try await TCPTestServer.start(tls: try NIOSSLContext(configuration: .makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(Self.certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(Self.keyPEM.utf8), format: .pem)))))
        defer { Task { await phone.close(); await harness.stop() } }

        guard case .request(let request) = try SIPParser().parse(optionsBytes(viaPort: 5061, transport: "TLS", callID: "to-the-phone"))
        else { throw TimedOut(description: "the OPTIONS did not parse as a request") }
        harness.transport.send(.request(request), to: .tls(try localhost(phone.port)))
        try await eventually("the OPTIONS decrypted at the phone") {
            String(decoding: phone.log.bytes, as: UTF8.self).contains("Call-ID: to-the-phone")
        }
        // Sent again, it goes on the same connection.
        harness.transport.send(.request(request), to: .tls(try localhost(phone.port)))
        try await eventually("the second OPTIONS at the phone") {
            String(decoding: phone.log.bytes, as: UTF8.self).components(separatedBy: "Call-ID: to-the-phone").count == 3
        }
        #expect(phone.log.channels.count == 1)
        #expect(harness.transport.connectionCount == 1)
    }

    @Test func aReloadedCertificateIsPresentedToNewConnectionsAndABrokenOneLeavesTheOldInUse() async throws {
        let files = try Self.files()
        defer { Self.remove(files) }
        let harness = try await TransportHarness.start(tls: files)
        defer { Task { await harness.stop() } }
        let port = try #require(harness.transport.localTLSPort)
        let original = try NIOSSLCertificate(bytes: Array(Self.certificatePEM.utf8), format: .pem)
        let renewed = try NIOSSLCertificate(bytes: Array(Self.renewedCertificatePEM.utf8), format: .pem)
        #expect(try await Self.presentedCertificate(port: port) == original)

        try "not a certificate".write(toFile: files.certificateFile, atomically: true, encoding: .utf8)
        #expect(throws: SIPTransportError.self) { try harness.transport.reloadTLSCertificate() }
        #expect(try await Self.presentedCertificate(port: port) == original, "the certificate in use stays")

        try Self.renewedCertificatePEM.write(toFile: files.certificateFile, atomically: true, encoding: .utf8)
        try Self.renewedKeyPEM.write(toFile: files.privateKeyFile, atomically: true, encoding: .utf8)
        try harness.transport.reloadTLSCertificate()
        #expect(try await Self.presentedCertificate(port: port) == renewed)
    }

    /// The certificate the TLS listener on `port` presents to a new connection.
    static func presentedCertificate(port: Int) async throws -> NIOSSLCertificate? {
        let seen = NIOLockedValueBox<NIOSSLCertificate?>(nil)
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .noHostnameVerification
        let context = try NIOSSLContext(configuration: configuration)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try NIOSSLClientHandler(context: context, serverHostname: nil) { certificates, verdict in
                        seen.withLockedValue { $0 = certificates.first }
                        verdict.succeed(.certificateVerified)
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        defer { channel.close(promise: nil) }
        try await eventually("the TLS handshake") { seen.withLockedValue { $0 } != nil }
        return seen.withLockedValue { $0 }
    }

    @Test func unreadableCertificateOrKeyStopsTheStartNamingTheFile() async throws {
        let missing = SIPTLSConfiguration(port: 0, certificateFile: "/nonexistent/cert.pem", privateKeyFile: "/nonexistent/key.pem")
        await #expect(throws: SIPTransportError.self) { _ = try await TransportHarness.start(tls: missing) }
        do {
            _ = try await TransportHarness.start(tls: missing)
        } catch {
            #expect("\(error)".contains("/nonexistent/cert.pem"), "\(error)")
        }
        let notAKey = try Self.files(key: "not a key")
        defer { Self.remove(notAKey) }
        do {
            _ = try await TransportHarness.start(tls: notAKey)
            Issue.record("started with a broken key")
        } catch {
            #expect("\(error)".contains(notAKey.privateKeyFile), "\(error)")
        }
    }

    private func parseableResponses(_ bytes: [UInt8]) -> Int {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "SIP/2.0 ").count - 1
    }
}
