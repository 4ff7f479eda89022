import Foundation

/// A self-signed certificate for a loopback address (127.0.0.1 unless told otherwise) and its
/// key (PEM), made with the `openssl` command: the engine's, for SIP over TLS (the phones in
/// these tests, baresip, do not check it, as desk phones given no CA do not), or a provider's
/// (which the engine checks, given the certificate itself as its trusted CA).
struct TLSCertificate: Sendable {
    let certificateFile: String
    let keyFile: String

    /// Makes one in `directory` (bounded: 30 s), named `commonName`, for `address` (its
    /// subject alternative name); a second one made in the same directory replaces the files
    /// (a renewal).
    static func make(
        in directory: URL, commonName: String = "127.0.0.1", address: String = "127.0.0.1"
    ) async throws -> TLSCertificate {
        let openssl = try ToolPath.require("openssl", package: "openssl")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("engine-cert.pem").path
        let key = directory.appendingPathComponent("engine-key.pem").path
        let log = directory.appendingPathComponent("openssl.log")
        let status = try await ChildProcess.run(
            openssl,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=\(commonName)", "-addext", "subjectAltName=IP:\(address)", "-keyout", key, "-out", certificate,
            ],
            stdout: log, stderr: log, timeout: .seconds(30))
        guard status == 0 else {
            throw HarnessError("openssl could not make a test certificate (status \(status.map(String.init) ?? "killed")): \(tail(of: log, lines: 20))")
        }
        return TLSCertificate(certificateFile: certificate, keyFile: key)
    }
}
