import VPBXText

extension MediaDescription {
    /// Payload type → format, for every listed format that has an `a=rtpmap` line or is a
    /// well-known static audio payload type (0 PCMU, 8 PCMA, ...). An explicit rtpmap wins
    /// over the static default.
    public var rtpMaps: [Int: RTPMap] {
        var maps: [Int: RTPMap] = [:]
        for attribute in attributes where attribute.name.caseInsensitiveEquals("rtpmap") {
            guard let value = attribute.value, let map = RTPMap(attributeValue: value) else { continue }
            if maps[map.payloadType] == nil { maps[map.payloadType] = map }
        }
        for format in formats {
            guard let payloadType = Int(format), maps[payloadType] == nil,
                let known = RTPMap.staticAudio(payloadType: payloadType)
            else { continue }
            maps[payloadType] = known
        }
        return maps
    }

    /// The formats we can identify, in the m-line's preference order (what ``rtpMaps`` says
    /// for each). Without building that dictionary: every call's offer and answer are asked
    /// several times, and a dictionary and lower-cased names each time showed in profiles.
    public var codecs: [RTPMap] {
        var result: [RTPMap] = []
        result.reserveCapacity(formats.count)
        for format in formats {
            guard let payloadType = Int(format) else { continue }
            if let map = rtpMap(for: payloadType) ?? RTPMap.staticAudio(payloadType: payloadType) { result.append(map) }
        }
        return result
    }

    /// The first valid `a=rtpmap:` line for `payloadType`, whether the m-line lists it or not.
    func rtpMap(for payloadType: Int) -> RTPMap? {
        for attribute in attributes where attribute.name.caseInsensitiveEquals("rtpmap") {
            guard let value = attribute.value, Self.leadingNumber(of: value) == payloadType,
                let map = RTPMap(attributeValue: value)
            else { continue }
            return map
        }
        return nil
    }

    /// The payload type an rtpmap value starts with, read as ``RTPMap/init(attributeValue:)``
    /// reads it (after any spaces, up to the next), without splitting the value.
    private static func leadingNumber(of value: String) -> Int? {
        let text = Substring(value).drop { $0 == " " }
        return Int(text[..<(text.utf8.firstIndex(of: UInt8(ascii: " ")) ?? text.endIndex)])
    }

    /// The first format with encoding `name` (case-insensitive), in preference order.
    public func codec(named name: String) -> RTPMap? {
        codecs.first { $0.hasEncoding(name) }
    }

    /// The `a=fmtp:` parameters for `payloadType`, without the payload type prefix.
    public func formatParameters(for payloadType: Int) -> String? {
        let key = String(payloadType)
        for attribute in attributes where attribute.name.caseInsensitiveEquals("fmtp") && attribute.formatPrefix == key {
            guard let value = attribute.value else { continue }
            return String(value.dropFirst(key.count).drop { $0 == " " })
        }
        return nil
    }

    /// `a=ptime` in milliseconds: how much audio one packet should carry.
    public var ptime: Int? {
        get { attributeValue("ptime").flatMap { Int($0.trimmingSpaces) } }
        set {
            attributes.removeAll { $0.name.caseInsensitiveEquals("ptime") }
            if let newValue { attributes.append(Attribute("ptime", String(newValue))) }
        }
    }

    /// The direction written in this section (`sendrecv` when absent), made send-only
    /// (or inactive) when the media-level `c=` is the RFC 2543 hold address `0.0.0.0`.
    ///
    /// Setting it replaces any direction attribute with an explicit one. Session-level
    /// attributes and `c=` are not visible here: `SessionDescription.direction(ofMediaAt:)`
    /// combines both levels.
    public var direction: MediaDirection {
        get { effectiveDirection(inherited: nil, connection: connection) }
        set {
            attributes.removeAll { MediaDirection(attributeName: $0.name) != nil && $0.value == nil }
            attributes.append(Attribute(newValue.rawValue))
        }
    }

    /// The direction attribute written in this section, if any.
    var explicitDirection: MediaDirection? {
        attributes.lazy.compactMap { $0.value == nil ? MediaDirection(attributeName: $0.name) : nil }.first
    }

    func effectiveDirection(inherited: MediaDirection?, connection: Connection?) -> MediaDirection {
        let written = explicitDirection ?? inherited ?? .sendrecv
        guard let connection, connection.isUnspecifiedAddress else { return written }
        // RFC 3264 §8.4: c=0.0.0.0 means "do not send to me"; the writer can still send.
        return MediaDirection(sends: written.sends, receives: false)
    }
}

extension String {
    var trimmingSpaces: Substring {
        let start = drop { $0 == " " || $0 == "\t" }
        return start.dropLast(start.reversed().prefix { $0 == " " || $0 == "\t" }.count)
    }
}
