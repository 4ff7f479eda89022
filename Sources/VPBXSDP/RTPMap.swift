import VPBXText

/// One payload format of an RTP stream: an `a=rtpmap` line, or the static assignment of
/// RFC 3551 §6 when the offer lists a static payload type without one.
public struct RTPMap: Sendable, Equatable {
    /// The payload type number used on the wire (0...127).
    public var payloadType: Int
    /// Encoding name as written (compare case-insensitively, RFC 4855 §3).
    public var encodingName: String
    public var clockRate: Int
    /// Audio channel count; nil when not written (meaning 1).
    public var channels: Int?

    public init(payloadType: Int, encodingName: String, clockRate: Int, channels: Int? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
    }

    /// Parses the value of `a=rtpmap:` (`97 telephone-event/8000` or `96 opus/48000/2`).
    /// Returns nil for values that do not follow RFC 8866 §6.6; callers ignore such lines.
    public init?(attributeValue: String) {
        // By byte offsets, without splitting into arrays: every call's offer and answer are
        // read several times.
        let value = Substring(attributeValue).drop { $0 == " " }
        guard let space = value.utf8.firstIndex(of: UInt8(ascii: " ")),
            let payloadType = Int(value[..<space]), (0...127).contains(payloadType)
        else { return nil }
        let encoding = value[space...].drop { $0 == " " }
        guard let slash = encoding.utf8.firstIndex(of: UInt8(ascii: "/")), slash > encoding.startIndex else { return nil }
        let rest = encoding[encoding.utf8.index(after: slash)...]
        let secondSlash = rest.utf8.firstIndex(of: UInt8(ascii: "/"))
        guard let clockRate = Int(rest[..<(secondSlash ?? rest.endIndex)]), clockRate > 0 else { return nil }
        var channels: Int?
        if let secondSlash {
            guard let count = Int(rest[rest.utf8.index(after: secondSlash)...]), count > 0 else { return nil }
            channels = count
        }
        self.init(
            payloadType: payloadType, encodingName: String(encoding[..<slash]), clockRate: clockRate, channels: channels)
    }

    /// The `a=rtpmap:` value for this format.
    public var attributeValue: String {
        var text = "\(payloadType) \(encodingName)/\(clockRate)"
        if let channels { text += "/\(channels)" }
        return text
    }

    /// True when `name` is this format's encoding, ignoring case.
    public func hasEncoding(_ name: String) -> Bool {
        encodingName.caseInsensitiveEquals(name)
    }

    /// Static audio payload types (RFC 3551 table 4) that peers may list without an rtpmap.
    public static func staticAudio(payloadType: Int) -> RTPMap? {
        switch payloadType {
        case 0: RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000)
        case 3: RTPMap(payloadType: 3, encodingName: "GSM", clockRate: 8000)
        case 4: RTPMap(payloadType: 4, encodingName: "G723", clockRate: 8000)
        case 8: RTPMap(payloadType: 8, encodingName: "PCMA", clockRate: 8000)
        case 9: RTPMap(payloadType: 9, encodingName: "G722", clockRate: 8000)
        case 13: RTPMap(payloadType: 13, encodingName: "CN", clockRate: 8000)
        case 18: RTPMap(payloadType: 18, encodingName: "G729", clockRate: 8000)
        default: nil
        }
    }
}
