import Foundation
import VPBXControl
import VPBXPBX
import VPBXStore

/// `engine.backup`: a consistent copy of the database while calls go on (docs/backup.md);
/// `engine.drain`: stopping once no call is left (docs/operations.md).
extension ControlHandlers {
    /// How long a backup waits for queued call records to reach the database first.
    static let backupSettleLimit: Duration = .seconds(10)

    func registerBackupMethods(on router: ControlRouter) {
        router.register(EngineDrain.self) { params, context in
            if params.mode == "cancel" {
                await self.pbx.cancelDrain()
            } else if let mode = DrainMode(rawValue: params.mode) {
                await self.pbx.startDrain(mode)
            } else {
                throw RPCError.invalidArgument(
                    "mode '\(params.mode)' is none of when-idle, refuse-new, cancel", field: "mode")
            }
            self.logger.notice("drain requested", metadata: ["mode": "\(params.mode)", "by": "\(Self.actor(context))"])
            let drain = await self.pbx.drainStatus
            let activeCalls = await self.pbx.counts().calls
            // Consoles show that the exchange is going down (or no longer is).
            await self.publish(
                EventTopic.engine, "engine.draining",
                [
                    "draining": drain.map { .string($0.mode.rawValue) } ?? .null,
                    "since": drain.map { .string(RPCCoding.formatDate($0.since)) } ?? .null,
                    "activeCalls": .int(Int64(activeCalls)),
                ])
            return EngineDrain.Result(draining: drain?.mode.rawValue, since: drain?.since, activeCalls: activeCalls)
        }
        router.register(EngineBackup.self) { params, context in
            let path = params.path
            guard path.hasPrefix("/") else {
                throw RPCError.invalidArgument(
                    "'\(path)' is relative: give an absolute path (the engine runs in a directory of its own)",
                    field: "path")
            }
            var isDirectory: ObjCBool = false
            let directory = (path as NSString).deletingLastPathComponent
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw RPCError.invalidArgument("no directory \(directory) on the engine's machine", field: "path")
            }
            let started = ContinuousClock.now
            // Calls that ended before the request belong in the copy: their records may still
            // be in the write-behind queue for a few milliseconds.
            _ = await self.pbx.settleStoreWrites(within: Self.backupSettleLimit)
            let pending = self.pbx.storeWrites.pending
            let summary = try await self.storeCall { try await self.database.backup(to: path) }
            let seconds = (ContinuousClock.now - started) / .milliseconds(1) / 1000
            self.logger.notice(
                "database backed up",
                metadata: [
                    "path": "\(path)", "bytes": "\(summary.bytes)", "by": "\(Self.actor(context))",
                    "pending": "\(pending)",
                ])
            return EngineBackup.Result(
                path: summary.path, bytes: summary.bytes, schema: summary.schema, extensions: summary.extensions,
                callRecords: summary.callRecords, voicemailMessages: summary.voicemailMessages,
                recordings: summary.recordings, writesPending: pending, seconds: seconds,
                dataDirectory: URL(fileURLWithPath: self.dataDirectory).standardizedFileURL.path)
        }
    }
}
