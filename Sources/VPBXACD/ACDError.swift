import Foundation

/// Why a queue setting, a login or a join was refused. The message names the field, the value
/// given and what to write instead, so the CLI can show it to an administrator unchanged.
///
/// A struct over a private enum (hummingbird style): adding a case never breaks a caller's
/// exhaustive `switch`.
public struct ACDError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Equatable {
        case invalidSetting(queue: String, field: String, problem: String)
        case unknownQueue(String)
        case unknownAgent(String)
        case notAMember(agent: String, queue: String)
        case duplicateCaller(String)
        case noQueues(agent: String)
        case unknownCaller(String)
    }

    private let kind: Kind

    /// A queue setting is out of range or malformed.
    public static func invalidSetting(queue: String, field: String, problem: String) -> ACDError {
        .init(kind: .invalidSetting(queue: queue, field: field, problem: problem))
    }
    /// No queue of that name is configured.
    public static func unknownQueue(_ name: String) -> ACDError { .init(kind: .unknownQueue(name)) }
    /// No agent of that number is defined.
    public static func unknownAgent(_ number: String) -> ACDError { .init(kind: .unknownAgent(number)) }
    /// The agent asked to log in to a queue that does not list them as a member.
    public static func notAMember(agent: String, queue: String) -> ACDError {
        .init(kind: .notAMember(agent: agent, queue: queue))
    }
    /// A caller id that is already waiting or talking joined again.
    public static func duplicateCaller(_ caller: String) -> ACDError { .init(kind: .duplicateCaller(caller)) }

    /// The agent is a member of no queue, so there is nothing to log in to.
    public static func noQueues(agent: String) -> ACDError { .init(kind: .noQueues(agent: agent)) }

    /// No caller with that id is waiting in a queue (answered already, or gone).
    public static func unknownCaller(_ caller: String) -> ACDError { .init(kind: .unknownCaller(caller)) }

    /// Whether the error names a queue or agent that does not exist (`not_found` on the wire),
    /// rather than a bad value.
    public var isUnknownName: Bool {
        switch kind {
        case .unknownQueue, .unknownAgent, .unknownCaller: true
        default: false
        }
    }

    public var description: String {
        switch kind {
        case .invalidSetting(let queue, let field, let problem):
            "queue '\(queue)': \(field) \(problem)"
        case .unknownQueue(let name):
            "no queue named '\(name)' (see 'vpbx queue list')"
        case .unknownAgent(let number):
            "no agent with number '\(number)' (see 'vpbx agent list')"
        case .notAMember(let agent, let queue):
            "agent '\(agent)' is not a member of queue '\(queue)' (add them with 'vpbx queue member add')"
        case .duplicateCaller(let caller):
            "caller '\(caller)' is already in a queue or on a queue call"
        case .noQueues(let agent):
            "agent '\(agent)' is not a member of any queue (add them with 'vpbx queue member add')"
        case .unknownCaller(let caller):
            "no caller '\(caller)' is waiting in a queue (see 'vpbx queue stats'); answered or gone"
        }
    }
}
