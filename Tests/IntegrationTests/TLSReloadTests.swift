import Foundation
import Testing

extension Integration {
    /// SIGHUP: the engine reads its TLS certificate again (a renewal) without a restart, and an
    /// engine without TLS takes the signal without ending (its default action would end it,
    /// as when the terminal that started it closes).
    @Suite("TLS certificate reload (SIGHUP)")
    struct TLSReloadTests {
        @Test("a renewed certificate is presented to new connections after SIGHUP; the engine goes on")
        func renewedCertificateAfterSIGHUP() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-tls-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let first = try await TLSCertificate.make(in: directory, commonName: "vpbx first")
            try await TestPBX.run(configure: { try $0.enableTLS(first) }) { pbx in
                let address = try #require(pbx.options.sipTLSAddress)
                #expect(try await Self.presentedSubject(at: address, scratch: directory).contains("vpbx first"))
                _ = try await TLSCertificate.make(in: directory, commonName: "vpbx renewed")
                kill(pbx.engine.pid, SIGHUP)
                try await eventually("the reload logged") {
                    pbx.engine.logTail(lines: 200).contains("certificate reloaded") ? true : nil
                }
                #expect(pbx.engine.isRunning)
                #expect(try await Self.presentedSubject(at: address, scratch: directory).contains("vpbx renewed"))
                try await pbx.cli.succeed(["status"])
            }
        }

        @Test("an engine without TLS takes SIGHUP and goes on")
        func sighupWithoutTLS() async throws {
            try await TestPBX.run { pbx in
                kill(pbx.engine.pid, SIGHUP)
                try await eventually("the signal logged") {
                    pbx.engine.logTail(lines: 200).contains("nothing to reload") ? true : nil
                }
                #expect(pbx.engine.isRunning)
                try await pbx.cli.succeed(["status"])
            }
        }

        /// The subject of the certificate a new TLS connection to `address` is shown, read
        /// with `openssl s_client` (bounded: 20 s).
        static func presentedSubject(at address: String, scratch: URL) async throws -> String {
            let output = scratch.appendingPathComponent("s_client-\(UUID().uuidString).txt")
            let status = try await ChildProcess.run(
                URL(fileURLWithPath: "/bin/sh"),
                ["-c", "openssl s_client -connect \(address) </dev/null 2>/dev/null | openssl x509 -noout -subject"],
                stdout: output, stderr: output, timeout: .seconds(20))
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            guard status == 0 else { throw HarnessError("openssl s_client to \(address) failed (\(status.map(String.init) ?? "killed")): \(text)") }
            return text
        }
    }
}
