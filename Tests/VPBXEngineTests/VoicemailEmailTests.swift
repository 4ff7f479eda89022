import Foundation
import Testing

@testable import VPBXEngine

/// A new voicemail message as an email: what `sendmail -t` is given.
@Suite("Voicemail email")
struct VoicemailEmailTests {
    static let wav: [UInt8] = Array(0...255) + Array(repeating: 7, count: 300)

    static func email(language: String = "hu", callerName: String? = "Kovács Anna") -> VoicemailEmail {
        VoicemailEmail(
            from: "vpbx@pbx.example.hu", to: "bela@example.hu", mailbox: "1002", caller: "1001", callerName: callerName,
            receivedAt: Date(timeIntervalSince1970: 1_796_659_200), durationMilliseconds: 12_300, language: language,
            messageID: "0f1e2d3c-0000-4000-8000-000000000001", wav: wav,
            timeZone: TimeZone(identifier: "Europe/Budapest")!)
    }

    /// The headers (unfolded) and the parts' decoded bodies of a rendered message.
    static func parse(_ rendered: String) throws -> (
        headers: [String: String], parts: [(headers: String, body: [UInt8])]
    ) {
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends in CRLF")
        let sections = rendered.components(separatedBy: "\r\n\r\n")
        let head = sections[0].replacingOccurrences(of: "\r\n ", with: " ")
        var headers: [String: String] = [:]
        for line in head.components(separatedBy: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            headers[String(pair[0])] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        let contentType = try #require(headers["Content-Type"])
        let boundary = try #require(contentType.components(separatedBy: "boundary=\"").last?.dropLast())
        let body = rendered.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        let chunks = body.components(separatedBy: "--\(boundary)").dropFirst().filter { !$0.hasPrefix("--") }
        let parts = try chunks.map { chunk in
            let split = chunk.components(separatedBy: "\r\n\r\n")
            let lines = split[1].components(separatedBy: "\r\n").filter { !$0.isEmpty }
            for line in lines { #expect(line.count <= 76, "base64 lines of 76 at most") }
            let bytes = try #require(Data(base64Encoded: lines.joined()))
            return (headers: split[0], body: [UInt8](bytes))
        }
        return (headers, parts)
    }

    /// `=?UTF-8?B?...?=` words back to text.
    static func decoded(_ header: String) -> String {
        header.components(separatedBy: " ").map { word in
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
                let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
            else { return word }
            return String(decoding: data, as: UTF8.self)
        }.joined()
    }

    @Test("Hungarian: the subject and text say who, when and how long; the WAV is attached byte for byte")
    func hungarianMessage() throws {
        let (headers, parts) = try Self.parse(Self.email().rendered())
        #expect(headers["To"] == "<bela@example.hu>" && headers["From"] == "vpbx <vpbx@pbx.example.hu>")
        #expect(Self.decoded(try #require(headers["Subject"])) == "Új hangüzenet: 1001 (Kovács Anna), 0:13")
        #expect(headers["Date"] == "Mon, 07 Dec 2026 17:00:00 +0100", "\(headers["Date"] ?? "")")
        #expect(headers["MIME-Version"] == "1.0" && headers["X-VPBX-Mailbox"] == "1002")
        #expect(parts.count == 2)
        let text = String(decoding: parts[0].body, as: UTF8.self)
        #expect(parts[0].headers.contains("text/plain; charset=UTF-8"))
        #expect(text.contains("Hívó: 1001 (Kovács Anna)\r\n") && text.contains("Időpont: 2026-12-07 17:00"), "\(text)")
        #expect(parts[1].headers.contains("attachment; filename=\"voicemail-1002-0f1e2d3c.wav\""))
        #expect(parts[1].body == Self.wav)
    }

    @Test("English for an English-speaking owner; a caller without a name is its number")
    func englishMessage() throws {
        let (headers, parts) = try Self.parse(Self.email(language: "en", callerName: nil).rendered())
        #expect(headers["Subject"] == "New voicemail from 1001, 0:13", "plain ASCII is not encoded")
        #expect(String(decoding: parts[0].body, as: UTF8.self).contains("From: 1001\r\nReceived: 2026-12-07 17:00"))
    }

    @Test("a long subject with accents is split into encoded words of at most 75 characters, none inside a character")
    func longSubjects() {
        let subject = String(repeating: "Árvíztűrő tükörfúrógép ", count: 6)
        let encoded = VoicemailEmail.encodedWord(subject)
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.count > 1 && words.allSatisfy { $0.count <= 75 }, "\(words.map(\.count))")
        #expect(Self.decoded(words.joined(separator: " ")) == subject)
    }
}

/// The mail command: the message on its input, its end awaited within a limit.
@Suite("Mail command")
struct MailCommandTests {
    /// A script in a new folder that runs `body` (sh).
    static func script(_ body: String) throws -> (path: String, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vpbx-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("mail.sh").path
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return (path, folder)
    }

    @Test("the command gets the whole message on its input, its arguments as given")
    func sendsTheMessage() async throws {
        let (path, folder) = try Self.script(#"cat > "$1/$2""#)
        defer { try? FileManager.default.removeItem(at: folder) }
        let message = Array(String(repeating: "a line of the message\r\n", count: 20_000).utf8)  // past a pipe's buffer
        let outcome = await MailCommand.run([path, folder.path, "out.eml"], input: message, timeout: .seconds(10))
        #expect(outcome == .sent)
        #expect(try [UInt8](Data(contentsOf: folder.appendingPathComponent("out.eml"))) == message)
    }

    @Test("a failing command, a missing one and one that hangs are failures that say why")
    func failures() async throws {
        let (failing, folder) = try Self.script("cat > /dev/null; echo 'relay refused' >&2; exit 3")
        defer { try? FileManager.default.removeItem(at: folder) }
        let refused = await MailCommand.run([failing], input: Array("x".utf8), timeout: .seconds(10))
        #expect(refused == .failed("\(failing) exited with 3: relay refused"))
        let missing = await MailCommand.run(["/nonexistent/sendmail", "-t"], input: [], timeout: .seconds(10))
        guard case .failed(let why) = missing else { throw CancellationError() }
        #expect(why.contains("is not there"))
        // `exec`: Foundation sees a command end only once every process it started is gone.
        let (hanging, other) = try Self.script("exec sleep 30")
        defer { try? FileManager.default.removeItem(at: other) }
        let stopped = await MailCommand.run([hanging], input: [], timeout: .milliseconds(300))
        guard case .failed(let reason) = stopped else { throw CancellationError() }
        #expect(reason.contains("stopped"), "\(reason)")
    }
}
