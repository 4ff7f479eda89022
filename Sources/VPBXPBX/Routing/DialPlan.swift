import Foundation
import VPBXText

/// The numbers the exchange answers besides its extensions, and the time conditions they use.
/// Kept in memory by the core (the engine rebuilds it from the store on every change), so
/// routing a call never waits for the database.
public struct DialPlan: Sendable {
    /// Dialled number → destination. A number without a route is an extension number.
    public var routes: [String: Destination]
    public var timeConditions: [String: TimeCondition]
    /// IVR menus by name, for the menu application.
    public var menus: [String: MenuDefinition]
    /// SIP trunks, in the order outgoing calls try them (priority, then name).
    public var trunks: [Trunk] = []
    /// Outbound routes (which trunks carry which numbers, for whom), by name.
    public var outboundRoutes: [OutboundRoute] = []
    /// Conference rooms with settings (a PIN, a limit), by name; a room without any is open.
    public var conferenceRooms: [String: ConferenceRoomSettings] = [:]
    /// How phones may dial public numbers shorter than the national form (the area's
    /// subscriber numbers, an outside-line prefix); ``LocalDialling/none``: complete numbers.
    public var localDialling = LocalDialling.none
    /// Extensions whose unanswered and busy calls go to voicemail.
    public var mailboxes: Set<String> = []
    /// The codes phones dial for features (`*97`: the caller's own mailbox), defaults unless
    /// the administrator changed them (`vpbx featurecode set`).
    public var featureCodes = FeatureCodes()

    /// The code of every ``Feature``: its default, or an override from the store.
    public struct FeatureCodes: Sendable, Equatable {
        /// Feature name → code, only for features whose code was changed.
        public private(set) var overrides: [String: String]

        /// Names that are not in ``Feature/all`` (a row written by a newer engine) are ignored.
        public init(overrides: [String: String] = [:]) {
            self.overrides = overrides.filter { Feature.named($0.key) != nil }
        }

        /// The code that dials `feature` now.
        public func code(of feature: Feature) -> String { overrides[feature.name] ?? feature.defaultCode }

        /// The feature `dialled` is the code of, if any, and the number dialled after the code
        /// for features that take one (empty otherwise).
        public func feature(dialled: String) -> (feature: Feature, number: String)? {
            for feature in Feature.all {
                let code = code(of: feature)
                if dialled == code, !feature.takesNumber || feature.numberOptional { return (feature, "") }
                if feature.takesNumber, dialled.count > code.count, dialled.hasPrefix(code) {
                    let number = String(dialled.dropFirst(code.count))
                    if number.allSatisfy(\.isNumber) { return (feature, number) }
                }
            }
            return nil
        }

        /// The number dialled after the withhold-number code (`*31` by default), or nil when
        /// `dialled` does not start with it: that number is called with the caller's withheld.
        public func numberWithheld(_ dialled: String) -> String? {
            number(after: .withholdNumber, in: dialled)
        }

        /// The number dialled after the show-number code (`*32` by default), or nil when
        /// `dialled` does not start with it: that number is called with the caller's number
        /// shown, whatever its extension's `withhold-number` setting.
        public func numberShown(_ dialled: String) -> String? {
            number(after: .showNumber, in: dialled)
        }

        /// The number (digits, or `+` and digits) dialled after `feature`'s code.
        private func number(after feature: Feature, in dialled: String) -> String? {
            let code = code(of: feature)
            guard dialled.count > code.count, dialled.hasPrefix(code) else { return nil }
            let number = String(dialled.dropFirst(code.count))
            return number.allSatisfy(\.isNumber) || (number.first == "+" && number.dropFirst().allSatisfy(\.isNumber))
                ? number : nil
        }

        /// The caller's own mailbox (`*97` by default).
        public var ownMailbox: String { code(of: .voicemailOwn) }
        /// Any mailbox, with its PIN (`*98` by default).
        public var anyMailbox: String { code(of: .voicemailAny) }
    }

    /// A feature code dialled by `caller`, or nil when `dialled` is none.
    public func featureCode(_ dialled: String, caller: String) -> Routing? {
        guard let (feature, number) = featureCodes.feature(dialled: dialled) else { return nil }
        let path = ["feature:\(dialled)"]
        if let mode = MonitorMode(rawValue: feature.name) {
            return Routing(target: .monitor(mode, extension: number), path: path)
        }
        if feature == .pickup {
            return Routing(target: .pickup(extension: number.isEmpty ? nil : number), path: path)
        }
        if feature == .parkPickup {
            return Routing(target: .parkPickup(slot: Self.parkSlot(number)), path: path)
        }
        if feature == .park {
            // Dialled, the parker's own call holds a slot and says it, for an attended
            // transfer of its held caller (``ParkApplication``); a blind transfer here parks
            // at once (``parking(_:parker:)``).
            return Routing(target: .application(.park(parker: caller, slot: Self.parkSlot(number))), path: path)
        }
        switch feature.name {
        case Feature.voicemailOwn.name:
            return Routing(target: .application(.mailbox(caller)), path: path)
        case Feature.voicemailAny.name:
            return Routing(target: .application(.mailbox(nil)), path: path)
        case Feature.agentLogin.name:
            return Routing(target: .application(.agentLogin(caller)), path: path)
        case "dnd-on", "dnd-off":
            return Routing(target: .application(.doNotDisturb(caller, on: feature.name == "dnd-on")), path: path)
        case let name where name.hasPrefix("forward-"):
            // `forward-busy` with the number after it, `forward-busy-off` alone.
            let off = name.hasSuffix("-off")
            guard let condition = ForwardingCondition(rawValue: String(name.dropFirst(8).dropLast(off ? 4 : 0))) else {
                return nil
            }
            return Routing(
                target: .application(.forwarding(caller, condition, target: off ? nil : number)), path: path)
        default:
            // In the catalog but not built yet: dialled like any other number.
            return nil
        }
    }

    /// A transfer to the park code (`*70`, or `*703` for slot 3) by `parker`: the transferred
    /// party is parked by the park application; nil when `dialled` is not the park code.
    public func parking(_ dialled: String, parker: String) -> Routing? {
        guard let (feature, number) = featureCodes.feature(dialled: dialled), feature == .park else { return nil }
        let slot = Self.parkSlot(number)
        return Routing(target: .application(.park(parker: parker, slot: slot)), path: ["park:\(slot.map(String.init) ?? "any")"])
    }

    /// The slot the digits after a park code name (`3` of `*713`); nil when there are none.
    /// Digits beyond four name slot 9999 or less, which no lot has (it is refused as empty).
    static func parkSlot(_ digits: String) -> Int? {
        digits.isEmpty ? nil : Int(digits.prefix(4)) ?? 0
    }

    /// How many destinations one call may pass through before it is refused as a loop
    /// (`time:a` → `time:b` → `time:a` ...).
    static let maximumSteps = 16

    public init(
        routes: [String: Destination] = [:], timeConditions: [String: TimeCondition] = [:],
        menus: [String: MenuDefinition] = [:]
    ) {
        self.routes = routes
        self.timeConditions = timeConditions
        self.menus = menus
    }

    /// Where a call to `number` ends up at `instant`, and the steps on the way, for the CDR and
    /// the event stream.
    public func resolve(_ number: String, at instant: Date) -> Routing {
        guard let first = routes[number] else { return Routing(target: .extension(number), path: []) }
        return follow(first, path: ["route:\(number)"], at: instant)
    }

    /// Where `destination` leads at `instant`, appending the steps to `path` (an application
    /// handing a caller on continues the call's path).
    public func follow(_ destination: Destination, path: [String], at instant: Date) -> Routing {
        var path = path
        var destination = destination
        for _ in 0..<Self.maximumSteps {
            switch destination {
            case .extension(let extensionNumber):
                path.append("ext:\(extensionNumber)")
                return Routing(target: .extension(extensionNumber), path: path)
            case .hangup:
                path.append("hangup")
                return Routing(target: .hangup, path: path)
            case .menu(let name):
                path.append("ivr:\(name)")
                return Routing(target: .application(.menu(name)), path: path)
            case .playback(let prompt):
                path.append("play:\(prompt)")
                return Routing(target: .application(.playback(prompt: prompt)), path: path)
            case .queue(let name):
                path.append("queue:\(name)")
                return Routing(target: .application(.queue(name)), path: path)
            case .conference(let name):
                path.append("conf:\(name)")
                return Routing(target: .application(.conference(name)), path: path)
            case .voicemail(let number):
                path.append("vm:\(number)")
                return Routing(target: .application(.voicemail(mailbox: number, busy: false)), path: path)
            case .timeCondition(let name):
                guard let condition = timeConditions[name] else {
                    path.append("time:\(name)=missing")
                    return Routing(target: .unroutable("time condition \(name) does not exist"), path: path)
                }
                let decision = condition.hours.decision(at: instant, override: condition.override)
                path.append("time:\(name)=\(decision.isOpen ? "open" : "closed")")
                destination = decision.isOpen ? condition.whenOpen : condition.whenClosed
            }
        }
        return Routing(target: .unroutable("routing loop after \(Self.maximumSteps) steps"), path: path)
    }
}

/// The outcome of ``DialPlan/resolve(_:at:)``.
public struct Routing: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        case `extension`(String)
        case hangup
        /// Answered by one of the engine's own applications.
        case application(Application)
        /// A broken configuration (missing time condition, loop): refused, and logged.
        case unroutable(String)
        /// A supervisor attaching to the call of an extension (listen, whisper, barge).
        case monitor(MonitorMode, extension: String)
        /// Answering a call that rings elsewhere: the one ringing `extension`, or with nil the
        /// longest-ringing one in the caller's pickup group.
        case pickup(extension: String?)
        /// Answering the call parked on `slot` (nil: the one parked longest).
        case parkPickup(slot: Int?)
    }

    public let target: Target
    /// `route:100`, `time:office=closed`, `ext:1002`; empty for a plain extension call.
    public let path: [String]
}
