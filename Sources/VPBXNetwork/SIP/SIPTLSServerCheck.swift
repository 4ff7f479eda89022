import Foundation
import NIOCore
import NIOSSL
import X509

/// TLS connections the engine opens to servers it must be sure of: a trunk's provider. Unlike
/// a phone (whose certificate is not checked, see ``SIPTLSConfiguration``), a provider's
/// certificate must chain to a trusted CA and name the host the trunk was set up with: the
/// calls and the account's password go over the connection, and a provider's address is
/// looked up in DNS, which an attacker may answer.
///
/// The chain and the name are checked with swift-certificates (RFC 5280 path validation,
/// RFC 6125 names) rather than by swift-nio-ssl alone: its check also takes a certificate
/// naming the IP address connected to, which would let whoever answers the DNS query (and
/// holds any CA-signed certificate for an address of their own) pass for the provider.
struct SIPTLSServerCheck: Sendable {
    /// The CAs trusted to sign providers' certificates.
    let trustRoots: CertificateStore
    /// The TLS context of such connections: verification on (the callback below decides),
    /// TLS 1.2 at least, and the engine's own certificate when it has one, for providers that
    /// authenticate the exchange by it (mutual TLS, as Microsoft Teams Direct Routing asks
    /// of an SBC); most authenticate the account by digest and ignore it.
    let context: NIOSSLContext

    /// `trustRoots`: a PEM file of CA certificates, or nil for the system's (Debian's
    /// `ca-certificates`, read when the first provider is checked). `identity`: the engine's
    /// certificate chain and key (``SIPTLSConfiguration/loadIdentity()``), presented when a
    /// provider asks for one.
    init(trustRoots file: String?, identity: (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey)? = nil) throws {
        if let file {
            let certificates: [Certificate]
            do {
                certificates = try NIOSSLCertificate.fromPEMFile(file).map(Self.parsed)
            } catch {
                throw SIPTransportError.badTLSFile(file, "\(error)")
            }
            guard !certificates.isEmpty else { throw SIPTransportError.badTLSFile(file, "no certificate in it") }
            self.trustRoots = CertificateStore(certificates)
        } else {
            self.trustRoots = CertificateStore.systemTrustRoots
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .fullVerification
        if let identity {
            configuration.certificateChain = identity.chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(identity.key)
        }
        do {
            self.context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw SIPTransportError.badTLSFile(file ?? "the system's CA certificates", "\(error)")
        }
    }

    /// The handler of a connection to `serverName` (a host name, also sent as SNI, or an IP
    /// address): the handshake fails unless the server's chain and name check out.
    func handler(serverName: String) throws -> NIOSSLClientHandler {
        let isAddress = (try? SocketAddress(ipAddress: serverName, port: 0)) != nil
        let roots = self.trustRoots
        let hostname = isAddress ? nil : serverName
        return try NIOSSLClientHandler(context: context, serverHostname: hostname) { presented, promise in
            promise.completeWithTask {
                await Self.verdict(
                    on: presented, serverName: serverName, isAddress: isAddress, roots: roots, at: Date())
            }
        }
    }

    /// swift-nio-ssl's certificate as swift-certificates reads it.
    private static func parsed(_ certificate: NIOSSLCertificate) throws -> Certificate {
        try Certificate(derEncoded: try certificate.toDERBytes())
    }

    /// Whether `presented` (leaf first, as the server sent it) chains to `roots` and its leaf
    /// names `serverName`, valid at `time`.
    static func verdict(
        on presented: [NIOSSLCertificate], serverName: String, isAddress: Bool, roots: CertificateStore, at time: Date
    ) async -> NIOSSLVerificationResult {
        guard let chain = try? presented.map(parsed), let leaf = chain.first else { return .failed }
        var verifier = Verifier(rootCertificates: roots) {
            RFC5280Policy(validationTime: time)
            ServerIdentityPolicy(serverHostname: isAddress ? nil : serverName, serverIP: isAddress ? serverName : nil)
        }
        switch await verifier.validate(leaf: leaf, intermediates: CertificateStore(chain.dropFirst())) {
        case .validCertificate: return .certificateVerified
        case .couldNotValidate: return .failed
        }
    }
}
