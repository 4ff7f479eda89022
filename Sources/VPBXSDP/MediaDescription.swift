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

    init(parsing value: Substring, line: Int) throws(SDPError) {
        let parts = value.splitASCII(" ", omittingEmptySubsequences: true)
        guard parts.count >= 3 else {
            throw SDPError(.invalidValue, line: line, "'m=' must be '<media> <port> <proto> <fmt> ...', got '\(value)'")
        }
        let portParts = parts[1].splitASCII("/", omittingEmptySubsequences: false)
        guard portParts.count <= 2, let port = Int(portParts[0]), (0...65535).contains(port) else {
            throw SDPError(.invalidValue, line: line, "'m=' port must be a number from 0 to 65535, got '\(parts[1])'")
        }
        var portCount: Int?
        if portParts.count == 2 {
            guard let count = Int(portParts[1]), count > 0 else {
                throw SDPError(
                    .invalidValue, line: line, "'m=' port count must be a positive number, got '\(parts[1])'")
            }
            portCount = count
        }
        self.init(
            media: String(parts[0]), port: port, portCount: portCount, proto: String(parts[2]),
            formats: parts.dropFirst(3).map(String.init))
    }

    var serializedMediaLine: String {
        var text = "\(media) \(port)"
        if let portCount { text += "/\(portCount)" }
        text += " \(proto)"
        for format in formats { text += " \(format)" }
        return text
    }

    /// True for an RTP audio stream.
    public var isAudio: Bool { media.lowercased() == "audio" }

    /// True when the stream is disabled (port 0).
    public var isDisabled: Bool { port == 0 }

    /// The value of the first attribute called `name` (case-insensitive), or nil.
    public func attributeValue(_ name: String) -> String? {
        let wanted = name.lowercased()
        return attributes.first { $0.name.lowercased() == wanted }?.value
    }

    /// True when an attribute called `name` is present (case-insensitive).
    public func hasAttribute(_ name: String) -> Bool {
        let wanted = name.lowercased()
        return attributes.contains { $0.name.lowercased() == wanted }
    }
}
