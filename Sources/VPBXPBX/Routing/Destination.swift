/// Where a call goes: the one typed model the dial plan, time conditions and (later) menus,
/// voicemail and queues share. Written as `kind:name` on the wire and in the store, so an
/// administrator types the same thing everywhere: `ext:1001`, `time:office`, `ivr:main`, `hangup`.
public enum Destination: Sendable, Hashable, CustomStringConvertible {
    /// Ring an extension (all its contacts).
    case `extension`(String)
    /// Evaluate a time condition and follow its open or closed branch.
    case timeCondition(String)
    /// Answer the call with an IVR menu.
    case menu(String)
    /// Answer the call, play a prompt, hang up (a closed line's announcement).
    case playback(String)
    /// Refuse the call (480 to the caller), e.g. a line that is simply closed.
    case hangup
    /// Put the caller in an ACD queue.
    case queue(String)
    /// Straight to an extension's mailbox (its unavailable greeting).
    case voicemail(String)
    /// Into a conference room, made when the first caller comes.
    case conference(String)

    /// Parses `ext:NUMBER`, `time:NAME`, `ivr:NAME` or `hangup`.
    public init(parsing text: String) throws(DestinationError) {
        if text == "hangup" {
            self = .hangup
            return
        }
        guard let colon = text.firstIndex(of: ":") else { throw DestinationError(text) }
        let kind = text[..<colon]
        let name = String(text[text.index(after: colon)...])
        switch kind {
        case "ext" where !name.isEmpty && name.utf8.count <= 15 && name.utf8.allSatisfy({ (0x30...0x39).contains($0) }):
            self = .extension(name)
        case "time" where DestinationError.isObjectName(name):
            self = .timeCondition(name)
        case "ivr" where DestinationError.isObjectName(name):
            self = .menu(name)
        case "play" where DestinationError.isPromptName(name):
            self = .playback(name)
        case "queue" where DestinationError.isQueueName(name):
            self = .queue(name)
        case "conf" where DestinationError.isQueueName(name):
            self = .conference(name)
        case "vm" where !name.isEmpty && name.utf8.count <= 15 && name.utf8.allSatisfy({ (0x30...0x39).contains($0) }):
            self = .voicemail(name)
        default:
            throw DestinationError(text)
        }
    }

    public var description: String {
        switch self {
        case .extension(let number): "ext:\(number)"
        case .timeCondition(let name): "time:\(name)"
        case .menu(let name): "ivr:\(name)"
        case .playback(let prompt): "play:\(prompt)"
        case .hangup: "hangup"
        case .queue(let name): "queue:\(name)"
        case .voicemail(let number): "vm:\(number)"
        case .conference(let name): "conf:\(name)"
        }
    }
}

/// A destination that could not be read; the message lists what may be written.
public struct DestinationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String

    init(_ text: String) { self.text = text }

    public var description: String {
        "'\(text)' is not a destination: write ext:NUMBER (an extension), time:NAME (a time condition), "
            + "ivr:NAME (a menu), play:PROMPT (play it, then hang up), queue:NAME (an ACD queue), "
            + "vm:NUMBER (an extension's voicemail), conf:NAME (a conference room) or hangup"
    }

    static func isPromptName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...48).contains(bytes.count), bytes[0] != 0x2D else { return false }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }

    /// Queue names as the ACD core accepts them: 1-64 of `A-Z a-z 0-9 . _ -`.
    static func isQueueName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy {
            (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2E
                || $0 == 0x5F || $0 == 0x2D
        }
    }

    static func isObjectName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...32).contains(bytes.count), (0x61...0x7A).contains(bytes[0]) else { return false }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F }
    }
}
