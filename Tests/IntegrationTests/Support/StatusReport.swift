import VPBXControl

/// `vpbx status --json`: `{"hello": ..., "status": ...}`, of which the tests read the status.
struct StatusReport: Decodable {
    var status: EngineStatus.Result
}
