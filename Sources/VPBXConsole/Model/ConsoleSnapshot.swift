import VPBXControl

/// Everything the console loads after (re)connecting: the event `seq` the subscription
/// started at, then the engine's lists.
public struct ConsoleSnapshot: Sendable, Hashable {
    public var seq: UInt64
    public var status: EngineStatus.Result
    public var extensions: [ExtensionInfo]
    public var registrations: [Registration]
    public var calls: [CallInfo]

    public init(
        seq: UInt64, status: EngineStatus.Result, extensions: [ExtensionInfo], registrations: [Registration],
        calls: [CallInfo]
    ) {
        self.seq = seq
        self.status = status
        self.extensions = extensions
        self.registrations = registrations
        self.calls = calls
    }
}
