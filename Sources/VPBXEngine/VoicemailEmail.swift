import Foundation

/// A new voicemail message as an email (RFC 5322 with MIME, RFC 2045-2047): a few lines in
/// the mailbox owner's language saying who called, when and for how long, and the message's
/// WAV attached, as Asterisk's voicemail sends it with `attach=yes`. Lines end in CRLF; the
/// text and the audio travel in base64, so accents and binary pass any mail relay.
struct VoicemailEmail: Sendable {
    var from: String
    var to: String
    var mailbox: String
    var caller: String
    var callerName: String?
    var receivedAt: Date
    var durationMilliseconds: Int
    /// `hu` or `en`: the mailbox owner's language.
    var language: String
    var messageID: String
    var wav: [UInt8]
    var timeZone: TimeZone = .current

    /// "0:12": minutes and seconds, rounded up so a short message is never "0:00".
    var durationText: String {
        let seconds = (durationMilliseconds + 999) / 1000
        return "\(seconds / 60):" + (seconds % 60 < 10 ? "0" : "") + "\(seconds % 60)"
    }

    private var who: String { callerName.map { "\(caller) (\($0))" } ?? caller }

    var subject: String {
        language == "en"
            ? "New voicemail from \(who), \(durationText)"
            : "Új hangüzenet: \(who), \(durationText)"
    }

    var text: String {
        let when = Self.localTime(receivedAt, timeZone)
        if language == "en" {
            return """
                A new voicemail message is in mailbox \(mailbox).

                From: \(who)
                Received: \(when)
                Length: \(durationText)

                The message is attached as a WAV file; it stays in the mailbox too (*97 on your phone).
                """
        }
        return """
            Új hangüzenet érkezett a(z) \(mailbox) postafiókba.

            Hívó: \(who)
            Időpont: \(when)
            Hossz: \(durationText)

            Az üzenetet a csatolt WAV fájl tartalmazza; a postafiókban is megmarad (*97 a telefonon).
            """
    }

    var attachmentName: String { "voicemail-\(mailbox)-\(messageID.prefix(8)).wav" }

    /// The whole message, headers and body, ready for `sendmail -t`.
    func rendered(boundary: String = "vpbx-" + UUID().uuidString.lowercased()) -> String {
        let headers = [
            "From: vpbx <\(from)>",
            "To: <\(to)>",
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(Self.rfc5322Date(receivedAt, timeZone))",
            "Message-ID: <\(messageID)@vpbx>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"\(boundary)\"",
            "X-VPBX-Mailbox: \(mailbox)",
        ]
        let textPart = [
            "--\(boundary)",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
            Self.base64Lines(Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)),
        ]
        let audioPart = [
            "--\(boundary)",
            "Content-Type: audio/wav; name=\"\(attachmentName)\"",
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment; filename=\"\(attachmentName)\"",
            "",
            Self.base64Lines(wav),
            "--\(boundary)--",
            "",
        ]
        return (headers + [""] + textPart + audioPart).joined(separator: "\r\n")
    }

    /// RFC 2047's encoded word for a header with accents (`=?UTF-8?B?...?=`), split so that
    /// no word is longer than 75 characters; plain ASCII stays as it is.
    static func encodedWord(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 }) else { return text }
        // 45 bytes make 60 base64 characters, 72 with the markers: under the 75 allowed. A
        // word ends between characters, never inside one's UTF-8 bytes.
        var chunks: [[UInt8]] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                chunks.append(chunk)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { chunks.append(chunk) }
        return chunks.map { "=?UTF-8?B?\(Data($0).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// Base64 in lines of 76 characters (RFC 2045 §6.8), CRLF between them.
    static func base64Lines(_ bytes: [UInt8]) -> String {
        let encoded = Data(bytes).base64EncodedString()
        var lines: [Substring] = []
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(encoded[start..<end])
            start = end
        }
        return lines.joined(separator: "\r\n")
    }

    /// `Mon, 07 Dec 2026 16:20:00 +0000` (RFC 5322 §3.3), in English whatever the locale.
    static func rfc5322Date(_ date: Date, _ timeZone: TimeZone) -> String {
        formatted(date, "EEE, dd MMM yyyy HH:mm:ss Z", timeZone)
    }

    /// `2026-12-07 16:20` in the engine's time zone: what the body says.
    static func localTime(_ date: Date, _ timeZone: TimeZone) -> String {
        formatted(date, "yyyy-MM-dd HH:mm", timeZone)
    }

    private static func formatted(_ date: Date, _ format: String, _ timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = format
        return formatter.string(from: date)
    }
}
