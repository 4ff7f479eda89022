import VPBXText

/// One `m=` section: a media stream with its own connection, formats and attributes.
public struct MediaDescription: Sendable, Equatable {
    /// `audio`, `video`, `application`, ...
    public var media: String
    /// Transport port; 0 means the stream is disabled or rejected (RFC 3264 §5.1, §6).
    public var port: Int
    /// The `/<number of ports>` suffix, when present.
    public var portCount: Int?
    /// `RTP/AVP`, `RTP/SAVP`, `UDP/TLS/RTP/SAVPF`, ...
    public var proto: String
    /// Payload type numbers (for RTP) or other format names, in preference order.
    public var formats: [String]
    /// Media-level `c=`, overriding the session-level one.
    public var connection: Connection?
    /// Media-level `i=`, `b=`, `k=` lines, kept verbatim.
    public var otherFields: [SDPField]
    public var attributes: [Attribute]

    public init(
        media: String,
        port: Int,
        portCount: Int? = nil,
        proto: String = "RTP/AVP",
        formats: [String],
        connection: Connection? = nil,
        otherFields: [SDPField] = [],
        attributes: [Attribute] = []
    ) {
        self.media = media
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
        self.connection = connection
        self.otherFields = otherFields
        self.attributes = attributes
    }

    init(parsing text: ByteText, _ value: Range<Int>, line: Int) throws(SDPError) {
        let parts = text.split(value, at: UInt8(ascii: " "))
        guard parts.count >= 3 else {
            throw SDPError(
                .invalidValue, line: line, "'m=' must be '<media> <port> <proto> <fmt> ...', got '\(text.string(value))'")
        }
        // `<port>[/<number of ports>]`; a second slash is refused with the port's error.
        let slash = text.first(UInt8(ascii: "/"), in: parts[1])
        let portText = parts[1].lowerBound..<(slash ?? parts[1].upperBound)
        let countText = slash.map { ($0 + 1)..<parts[1].upperBound }
        func number(_ part: Range<Int>) -> Int? { text.decimal(part).map { Int($0) } ?? Int(text.string(part)) }
        guard countText.map({ text.first(UInt8(ascii: "/"), in: $0) == nil }) ?? true,
            let port = number(portText), (0...65535).contains(port)
        else {
            throw SDPError(
                .invalidValue, line: line, "'m=' port must be a number from 0 to 65535, got '\(text.string(parts[1]))'")
        }
        var portCount: Int?
        if let countText {
            guard let count = number(countText), count > 0 else {
                throw SDPError(
                    .invalidValue, line: line, "'m=' port count must be a positive number, got '\(text.string(parts[1]))'")
            }
            portCount = count
        }
        self.init(
            media: text.string(parts[0]), port: port, portCount: portCount, proto: text.string(parts[2]),
            formats: parts.dropFirst(3).map(text.string))
    }

    var serializedMediaLine: String {
        var text = "\(media) \(port)"
        if let portCount { text += "/\(portCount)" }
        text += " \(proto)"
        for format in formats { text += " \(format)" }
        return text
    }

    /// True for an RTP audio stream.
    public var isAudio: Bool { media.caseInsensitiveEquals("audio") }

    /// Whether the stream's packets are encrypted end to end (SRTP): a secure profile
    /// (`RTP/SAVP`, `RTP/SAVPF`, DTLS's `UDP/TLS/RTP/SAVP`) or SDES keys (`a=crypto`, RFC 4568)
    /// on a plain one, which some phones offer as best-effort encryption. The engine has no
    /// key: it relays such packets untouched and cannot read, convert or add to them.
    public var carriesEncryptedMedia: Bool {
        proto.uppercased().contains("SAVP") || attributes.contains { $0.name.caseInsensitiveEquals("crypto") }
    }

    /// True when the stream is disabled (port 0).
    public var isDisabled: Bool { port == 0 }

    /// The value of the first attribute called `name` (case-insensitive), or nil.
    public func attributeValue(_ name: String) -> String? {
        attributes.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// True when an attribute called `name` is present (case-insensitive).
    public func hasAttribute(_ name: String) -> Bool {
        attributes.contains { $0.name.caseInsensitiveEquals(name) }
    }
}
