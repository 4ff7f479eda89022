import Foundation

/// Reads sipp's `-trace_msg` file: blocks that start with a dashed timestamp line, then
/// "UDP message received [N] bytes :" or "UDP message sent (N bytes):", a blank line and
/// the SIP message.
enum SippMessageLog {
    static func received(in text: String) -> [String] {
        let separator = "-----------------------------------------------"
        return text.components(separatedBy: separator + " ").compactMap { block in
            // By UTF-16 unit: as Characters, the CRLF of the SIP lines would not match "\n".
            let lines = block.components(separatedBy: "\n")
            guard lines.count > 2, lines[1].contains("message received") else { return nil }
            return lines.dropFirst(2).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The audio connection address and port of the SDP in `message` (`c=` and `m=audio`).
    static func audioEndpoint(in message: String) -> (address: String, port: UInt16)? {
        var address: String?
        var port: UInt16?
        for rawLine in message.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("c=IN IP4 ") { address = String(line.dropFirst("c=IN IP4 ".count)) }
            if line.hasPrefix("m=audio "), let value = line.split(separator: " ").dropFirst().first {
                port = UInt16(value)
            }
        }
        guard let address, let port else { return nil }
        return (address, port)
    }
}
