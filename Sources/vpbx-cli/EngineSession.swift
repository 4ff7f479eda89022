import ArgumentParser
import Foundation
import VPBXControl

/// Connects, checks the protocol version, runs `body`, and turns failures into the
/// documented exit codes with a message on stderr (and a JSON error on stdout under --json).
enum EngineSession {
    /// `defaultTimeout`: seconds each answer may take unless `--timeout` says otherwise.
    static func run<T: Sendable>(
        _ global: GlobalOptions, defaultTimeout: Double = 10, _ body: (ControlClient) async throws -> T
    ) async throws -> T {
        var client: ControlClient?
        do {
            let connected = try await ControlClient.connect(
                socketPath: global.socketPath, timeout: global.answerTimeout(default: defaultTimeout))
            client = connected
            _ = try await connected.hello(client: "vpbx")
            let result = try await body(connected)
            await connected.close()
            return result
        } catch let error as RPCError {
            await client?.close()
            report(error.message, reason: error.reason?.rawValue, error: error, global)
            throw ExitCode(ExitStatus.engineError)
        } catch let error as ControlClientError {
            await client?.close()
            let reason: String
            switch error.kind {
            case .unreachable: reason = "unreachable"
            case .protocolMismatch: reason = "protocol_mismatch"
            case .eventsOverflowed: reason = "overflow"
            }
            report(error.description, reason: reason, error: nil, global)
            throw ExitCode(error.kind == .unreachable ? ExitStatus.unreachable : ExitStatus.engineError)
        }
    }

    private static func report(_ message: String, reason: String?, error: RPCError?, _ global: GlobalOptions) {
        Output.error(message + (reason.map { " [\($0)]" } ?? ""))
        guard global.json else { return }
        let payload = error ?? RPCError(code: 0, message: message, reason: .init(rawValue: reason ?? "client"))
        Output.json(["error": payload])
    }
}
