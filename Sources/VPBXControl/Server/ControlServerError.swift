/// Why the control server could not start.
public struct ControlServerError: Error, Sendable, CustomStringConvertible {
    public let description: String

    static func alreadyRunning(path: String) -> ControlServerError {
        .init(description: "another engine is already listening on \(path); stop it first or choose another --socket")
    }

    static func notASocket(path: String) -> ControlServerError {
        .init(description: "\(path) exists and is not a socket; remove it or choose another socket path")
    }

    static func socketSetup(path: String, _ detail: String) -> ControlServerError {
        .init(description: "control socket \(path): \(detail)")
    }

    static func pathTooLong(path: String) -> ControlServerError {
        .init(description: "control socket path \(path) is longer than the 107 bytes Unix sockets allow; choose a shorter one")
    }
}
