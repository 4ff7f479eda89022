import Foundation
import Testing
import VPBXControl

@testable import VPBXEngine

/// `--webhook` and the configuration file's `webhooks`.
@Suite struct WebhookConfigurationTests {
    @Test func anHTTPURLWithAHostIsTakenForCallEvents() throws {
        var configuration = EngineConfiguration()
        try configuration.addWebhook(WebhookTarget(url: "https://crm.example.com/pbx?key=1"))
        try configuration.addWebhook(WebhookTarget(url: "http://127.0.0.1:8080/"))
        #expect(configuration.webhooks.map(\.url) == ["https://crm.example.com/pbx?key=1", "http://127.0.0.1:8080/"])
        #expect(configuration.webhooks.allSatisfy { $0.topics == [EventTopic.call] })
    }

    @Test(arguments: ["ftp://crm.example.com/", "crm.example.com/pbx", "http://", "mailto:a@b.c", ""])
    func otherURLsAreRefusedNamingThem(_ url: String) {
        var configuration = EngineConfiguration()
        let error = #expect(throws: EngineConfigurationError.self) { try configuration.addWebhook(WebhookTarget(url: url)) }
        #expect(error?.description.contains("webhook URL '\(url)'") == true)
        #expect(configuration.webhooks.isEmpty)
    }

    @Test func theFileSetsThemWithTheirTopics() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-config-\(UUID().uuidString).json")
        try Data(
            #"{"webhooks": [{"url": "http://crm/a"}, {"url": "http://crm/b", "topics": ["call", "registration"]}]}"#.utf8
        ).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var configuration = EngineConfiguration()
        try configuration.load(file: file.path)
        #expect(
            configuration.webhooks == [
                WebhookTarget(url: "http://crm/a"), WebhookTarget(url: "http://crm/b", topics: ["call", "registration"]),
            ])

        try Data(#"{"webhooks": [{"url": "http://crm/a", "topics": ["calls"]}]}"#.utf8).write(to: file)
        var unknownTopic = EngineConfiguration()
        let error = #expect(throws: EngineConfigurationError.self) { try unknownTopic.load(file: file.path) }
        #expect(error?.description.contains("'calls'") == true)
    }

    @Test func statusShowsURLsWithoutTheirSecrets() {
        #expect(WebhookForwarder.redacted("https://user:pw@crm.example.com/pbx?key=s3cret#x") == "https://crm.example.com/pbx")
        #expect(WebhookForwarder.redacted("http://127.0.0.1:8080/a/b") == "http://127.0.0.1:8080/a/b")
    }
}
