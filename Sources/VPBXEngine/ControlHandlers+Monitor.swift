import Foundation
import VPBXControl
import VPBXPBX
import VPBXText

/// `monitor.*`: supervisors on calls (they start from their phones, `*222`/`*223`/`*224`
/// and the extension's number; see docs/call-center.md).
extension ControlHandlers {
    func registerMonitorMethods(on router: ControlRouter) {
        router.register(MonitorList.self) { _, _ in
            await pbx.monitorSnapshots().map(Self.info)
        }
        router.register(MonitorStart.self) { params, _ in
            let mode = MonitorMode(rawValue: (params.mode ?? .listen).rawValue) ?? .listen
            do {
                return Self.info(try await pbx.startMonitor(supervisor: params.supervisor, target: params.extension, mode: mode))
            } catch let error as MonitorStartError {
                switch error.kind {
                case .notFound: throw RPCError.notFound(error.description)
                case .forbidden: throw RPCError.forbidden(error.description)
                case .conflict: throw RPCError.conflict(error.description)
                }
            }
        }
        router.register(MonitorSetMode.self) { params, _ in
            let id = try Self.monitorID(params.id)
            guard let mode = MonitorMode(rawValue: params.mode.rawValue), await pbx.setMonitorMode(id, mode),
                let monitor = await pbx.monitorSnapshots().first(where: { $0.id == id })
            else {
                throw RPCError.notFound("no supervisor is on a call as \(params.id) (see 'vpbx monitor list')")
            }
            return Self.info(monitor)
        }
        router.register(MonitorStop.self) { params, _ in
            guard await pbx.stopMonitor(try Self.monitorID(params.id)) else {
                throw RPCError.notFound("no supervisor is on a call as \(params.id) (see 'vpbx monitor list')")
            }
            return Acknowledged()
        }
    }

    private static func monitorID(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw RPCError.invalidArgument("'\(text)' is not a monitoring id (see 'vpbx monitor list')", field: "id")
        }
        return id
    }

    static func info(_ monitor: MonitorSnapshot) -> MonitorInfo {
        MonitorInfo(
            id: monitor.id.lowercaseText, supervisor: monitor.supervisor, extension: monitor.target,
            call: monitor.callID.lowercaseText, mode: MonitorModeName(rawValue: monitor.mode.rawValue) ?? .listen,
            state: monitor.answeredAt == nil ? "ringing" : "active", startedAt: monitor.startedAt)
    }
}
