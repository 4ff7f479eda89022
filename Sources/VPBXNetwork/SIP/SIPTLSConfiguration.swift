import NIOSSL

/// SIP over TLS (RFC 3261 §26.2.1): where it listens and the engine's certificate.
///
/// Phones connect and register over TLS; the engine sends them requests on the connection
/// they registered on (as over TCP), and opens a TLS connection of its own only to a phone
/// whose connection is gone or to a static contact with `transport=tls`. It does not check
/// those phones' certificates (they are self-signed on nearly every desk phone, and the
/// engine connects only to addresses its own registrations or configuration named); the
/// phones check the engine's against the CA their administrator gave them. Mutual TLS (client
/// certificates instead of digest passwords) is not used: phones still authenticate with
/// digest inside the encrypted connection.
public struct SIPTLSConfiguration: Sendable {
    /// The TLS listener's port on the transport's address; 0 lets the kernel choose (tests).
    public var port: Int
    /// PEM files: the engine's certificate (its chain, leaf first) and its private key.
    public var certificateFile: String
    public var privateKeyFile: String

    public init(port: Int = 5061, certificateFile: String, privateKeyFile: String) {
        self.port = port
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
    }

    /// The engine's certificate chain and key from the PEM files; throws with the file named
    /// when one cannot be read or does not hold what it should.
    func loadIdentity() throws -> (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw SIPTransportError.badTLSFile(certificateFile, "\(error)")
        }
        guard !chain.isEmpty else { throw SIPTransportError.badTLSFile(certificateFile, "no certificate in it") }
        do {
            return (chain, try NIOSSLPrivateKey(file: privateKeyFile, format: .pem))
        } catch {
            throw SIPTransportError.badTLSFile(privateKeyFile, "\(error)")
        }
    }

    /// The contexts for accepted and for outbound connections, with `identity` (from
    /// ``loadIdentity()``).
    func makeContexts(
        _ identity: (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey)
    ) throws -> (server: NIOSSLContext, client: NIOSSLContext) {
        let (chain, key) = identity
        var server = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        server.minimumTLSVersion = .tlsv12
        var client = TLSConfiguration.makeClientConfiguration()
        client.minimumTLSVersion = .tlsv12
        client.certificateVerification = .none
        client.certificateChain = chain.map { .certificate($0) }
        client.privateKey = .privateKey(key)
        do {
            return (try NIOSSLContext(configuration: server), try NIOSSLContext(configuration: client))
        } catch {
            throw SIPTransportError.badTLSFile(certificateFile, "the certificate and key do not make a TLS context: \(error)")
        }
    }
}
