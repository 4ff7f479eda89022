/// Failures of the client itself, as opposed to errors the engine answered (`RPCError`).
public struct ControlClientError: Error, Sendable, CustomStringConvertible {
    /// Broad classes a CLI maps to exit codes.
    public enum Kind: Sendable, Hashable {
        /// No engine at the socket, or it went away, or it did not answer in time.
        case unreachable
        /// The engine answered something this client cannot use.
        case protocolMismatch
        /// The local event consumer fell too far behind.
        case eventsOverflowed
    }

    public let kind: Kind
    public let description: String

    private init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    public static func cannotConnect(path: String, permissionDenied: Bool = false) -> ControlClientError {
        if permissionDenied {
            return .init(
                .unreachable,
                "cannot reach the engine at \(path): permission denied (ask an administrator to add you to the engine's group)"
            )
        }
        return .init(.unreachable, "cannot reach the engine at \(path) (is vpbx-engine running? see vpbx-engine(8))")
    }

    public static func connectionClosed(path: String) -> ControlClientError {
        .init(.unreachable, "the engine at \(path) closed the connection before answering")
    }

    /// The engine ended an event stream by closing the connection (it stopped or restarted).
    public static func eventStreamEnded(path: String) -> ControlClientError {
        .init(.unreachable, "the engine at \(path) closed the event stream (stopped or restarting?); run 'vpbx events' again once it is back")
    }

    public static func timedOut(method: String, after timeout: Duration) -> ControlClientError {
        .init(.unreachable, "the engine did not answer \(method) within \(timeout.formattedSeconds) (raise --timeout?)")
    }

    public static func badResponse(method: String, _ detail: String) -> ControlClientError {
        .init(.protocolMismatch, "unexpected answer to \(method): \(detail)")
    }

    public static func unsupportedProtocol(engine: String) -> ControlClientError {
        .init(
            .protocolMismatch,
            "the engine speaks control protocol \(engine), this client speaks \(EngineHello.protocolVersion); use a vpbx that matches the engine"
        )
    }

    public static let eventsOverflowed = ControlClientError(
        .eventsOverflowed, "events arrived faster than they were consumed; subscribe again to resynchronise")
}

extension Duration {
    /// `10s`, `2.5s`.
    var formattedSeconds: String {
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
