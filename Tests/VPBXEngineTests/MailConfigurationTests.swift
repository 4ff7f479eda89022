import Foundation
import Testing

@testable import VPBXEngine

/// `--mail-command`, `--mail-from` and their configuration-file keys.
@Suite struct MailConfigurationTests {
    @Test("sendmail by default; a command is a full path and its arguments; a relative one or a bad sender is refused")
    func commandAndSender() throws {
        var configuration = EngineConfiguration()
        #expect(configuration.mailCommand == ["/usr/sbin/sendmail", "-t", "-i"] && configuration.mailFrom == nil)
        try configuration.setMailCommand("/usr/bin/msmtp  -t --account=office")
        #expect(configuration.mailCommand == ["/usr/bin/msmtp", "-t", "--account=office"])
        let relative = #expect(throws: EngineConfigurationError.self) { try configuration.setMailCommand("msmtp -t") }
        #expect(relative?.description.contains("full path") == true)
        #expect(configuration.mailCommand.first == "/usr/bin/msmtp", "a refused command changes nothing")
        try configuration.setMailFrom("pbx@example.hu")
        #expect(throws: EngineConfigurationError.self) { try configuration.setMailFrom("pbx") }
        #expect(configuration.mailFrom == "pbx@example.hu")
    }

    @Test("the file's mailCommand and mailFrom set them")
    func theFileSetsThem() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vpbx-config-\(UUID().uuidString).json")
        try #"{"mailCommand": "/usr/sbin/sendmail -t", "mailFrom": "voicemail@example.hu"}"#.write(
            to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var configuration = EngineConfiguration()
        try configuration.load(file: file.path)
        #expect(
            configuration.mailCommand == ["/usr/sbin/sendmail", "-t"]
                && configuration.mailFrom == "voicemail@example.hu")
    }
}
