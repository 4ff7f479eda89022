import Foundation
import Testing

@testable import VPBXEngine

/// `--webhook-secret`: every webhook request signed with HMAC-SHA256 over the timestamp and
/// the body, so a CRM can refuse what this engine did not send.
@Suite struct WebhookSignatureTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-hooksecret-\(UUID().uuidString)").path

    func secretFile(_ content: String, mode: mode_t = 0o600) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/secret-\(UUID().uuidString.prefix(6))"
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        #expect(chmod(path, mode) == 0)
        return path
    }

    /// The expected value was computed apart from this code, with Python's hmac module:
    /// hmac.new(b"0123456789abcdef-secret", b"1796554800." + body, hashlib.sha256).hexdigest()
    @Test func theSignatureIsHMACSHA256OfTheTimestampADotAndTheBody() {
        let body = Array(#"{"seq":1,"type":"call.started"}"#.utf8)
        #expect(
            WebhookSignature.signature(body: body, timestamp: 1_796_554_800, secret: Array("0123456789abcdef-secret".utf8))
                == "sha256=8e71a91c6e8a342490188e5d94ea9e66cbe9964177217de5bd0b3c4d2077bff8")
        // Another second, another signature: a request cannot be replayed with a new timestamp.
        #expect(
            WebhookSignature.signature(body: body, timestamp: 1_796_554_801, secret: Array("0123456789abcdef-secret".utf8))
                != "sha256=8e71a91c6e8a342490188e5d94ea9e66cbe9964177217de5bd0b3c4d2077bff8")
    }

    @Test func aSecretFileIsReadWithoutItsLineEndAndASecretFileOthersMayReadIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try WebhookSignature.loadSecret(path: try secretFile("0123456789abcdef-secret\n")) == Array("0123456789abcdef-secret".utf8))
        #expect { try WebhookSignature.loadSecret(path: try secretFile("0123456789abcdef-secret", mode: 0o640)) } throws: {
            "\($0)".contains("chmod 600")
        }
        #expect { try WebhookSignature.loadSecret(path: try secretFile("short\n")) } throws: {
            "\($0)".contains("5 bytes") && "\($0)".contains("at least 16")
        }
    }

    @Test func theFileGivesEachWebhookItsOwnSecret() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let secret = try secretFile("a-secret-of-the-crm-team")
        let file = directory + "/engine.json"
        try Data(#"{"webhooks": [{"url": "http://crm/a", "secretFile": "\#(secret)"}, {"url": "http://crm/b"}]}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        var configuration = EngineConfiguration()
        try configuration.load(file: file)
        #expect(configuration.webhooks.map(\.secret) == [Array("a-secret-of-the-crm-team".utf8), nil])
    }
}
