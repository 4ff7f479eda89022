import VPBXSIP

/// The engine's own applications (menus, announcements, later voicemail) as SIP endpoints:
/// the core rings them like phones (docs/applications.md), at a pseudo-host that the engine's
/// outbound adapter delivers in process instead of on the network.
public enum Application: Sendable, Hashable, CustomStringConvertible {
    /// Answer, play a prompt, hang up (a "we are closed" line).
    case playback(prompt: String)
    /// An IVR menu.
    case menu(String)
    /// Leave a message in `mailbox` (its busy or its unavailable greeting first).
    case voicemail(mailbox: String, busy: Bool)
    /// The mailbox menu: the caller's own box (`*97`, no PIN from the owner's phone), or any
    /// box with its PIN (`*98`, nil).
    case mailbox(String?)
    /// An ACD queue: the caller waits with music until an agent answers.
    case queue(String)
    /// Agent login and logout from a phone (`*45`), at the calling extension.
    case agentLogin(String)
    /// A conference room (``ConferenceApplication``).
    case conference(String)
    /// Call forwarding set (with a target) or cleared (nil) from the extension's phone
    /// (`*72`, `*73`...; ``ForwardingApplication``).
    case forwarding(String, ForwardingCondition, target: String?)
    /// Parks the caller on a slot of the parking lot (nil: the first free one) for `parker`,
    /// who transferred it there (``ParkApplication``).
    case park(parker: String, slot: Int?)
    /// Do not disturb switched on or off from the extension's phone (`*78`, `*79`;
    /// ``DoNotDisturbApplication``).
    case doNotDisturb(String, on: Bool)

    /// The caller's prompt language (`hu`, `en`), on INVITEs to applications.
    public static let languageHeader = "X-VPBX-Language"
    /// The core's id of the call (its UUID), on INVITEs to applications: a queue follows the
    /// call after it was put through to an agent.
    public static let callHeader = "X-VPBX-Call"

    /// The host part of application contacts; `.invalid` (RFC 6761) can never resolve.
    public static let host = "apps.vpbx.invalid"

    /// Where the core sends requests for applications. Marked a stream transport so the
    /// transaction layer does not retransmit: delivery in process is reliable.
    public static let peer = SIPPeerAddress(transport: .tcp, host: host, port: 5060, connectionID: 0)

    /// The Request-URI user part naming the application: `play-closed`, `ivr-main`.
    public var user: String {
        switch self {
        case .playback(let prompt): "play-\(prompt)"
        case .menu(let name): "ivr-\(name)"
        case .voicemail(let mailbox, let busy): "vm-\(busy ? "busy" : "unavailable")-\(mailbox)"
        case .mailbox(let own): own.map { "vmbox-\($0)" } ?? "vmbox"
        case .queue(let name): "queue-\(name)"
        case .agentLogin(let extensionNumber): "agentlogin-\(extensionNumber)"
        case .conference(let name): "conf-\(name)"
        case .forwarding(let number, let condition, let target):
            "fwd-\(condition.rawValue)-\(number)" + (target.map { "-\($0)" } ?? "")
        case .park(let parker, let slot): "park-\(parker)" + (slot.map { "-\($0)" } ?? "")
        case .doNotDisturb(let number, let on): "dnd-\(on ? "on" : "off")-\(number)"
        }
    }

    /// The application a Request-URI user part names.
    public init?(user: String) {
        if user.hasPrefix("play-"), user.count > 5 {
            self = .playback(prompt: String(user.dropFirst(5)))
        } else if user.hasPrefix("ivr-"), user.count > 4 {
            self = .menu(String(user.dropFirst(4)))
        } else if user.hasPrefix("vm-busy-"), user.count > 8 {
            self = .voicemail(mailbox: String(user.dropFirst(8)), busy: true)
        } else if user.hasPrefix("vm-unavailable-"), user.count > 15 {
            self = .voicemail(mailbox: String(user.dropFirst(15)), busy: false)
        } else if user.hasPrefix("agentlogin-"), user.count > 11 {
            self = .agentLogin(String(user.dropFirst(11)))
        } else if user.hasPrefix("fwd-"), let forwarding = Self.forwarding(user) {
            self = forwarding
        } else if user.hasPrefix("conf-"), user.count > 5 {
            self = .conference(String(user.dropFirst(5)))
        } else if user.hasPrefix("queue-"), user.count > 6 {
            self = .queue(String(user.dropFirst(6)))
        } else if user.hasPrefix("park-"), let park = Self.park(user) {
            self = park
        } else if user.hasPrefix("dnd-on-"), user.count > 7 {
            self = .doNotDisturb(String(user.dropFirst(7)), on: true)
        } else if user.hasPrefix("dnd-off-"), user.count > 8 {
            self = .doNotDisturb(String(user.dropFirst(8)), on: false)
        } else if user == "vmbox" {
            self = .mailbox(nil)
        } else if user.hasPrefix("vmbox-"), user.count > 6 {
            self = .mailbox(String(user.dropFirst(6)))
        } else {
            return nil
        }
    }

    /// `fwd-busy-1002-1003` (set) or `fwd-busy-1002` (clear).
    private static func forwarding(_ user: String) -> Application? {
        // The condition's name contains a dash (`no-answer`): split after it.
        for condition in ForwardingCondition.allCases where user.hasPrefix("fwd-\(condition.rawValue)-") {
            let parts = user.dropFirst(5 + condition.rawValue.count).split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.last?.isEmpty == false else { return nil }
            return .forwarding(String(parts[0]), condition, target: parts.count == 2 ? String(parts[1]) : nil)
        }
        return nil
    }

    /// `park-1001` (the first free slot) or `park-1001-3` (slot 3).
    private static func park(_ user: String) -> Application? {
        let parts = user.dropFirst(5).split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty else { return nil }
        guard parts.count == 2 else { return .park(parker: String(parts[0]), slot: nil) }
        guard let slot = Int(parts[1]) else { return nil }
        return .park(parker: String(parts[0]), slot: slot)
    }

    public var contact: SIPURI {
        var uri = SIPURI(user: user, host: Self.host)
        uri.parameters.append(SIPParameter(name: "transport", value: "tcp"))
        return uri
    }

    public var description: String { user }
}
