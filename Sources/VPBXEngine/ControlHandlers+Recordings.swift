#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import VPBXControl
import VPBXMediaIO
import VPBXPBX
import VPBXStore

/// `recording.*` and `audit.list`: call recordings and the audit trail of what was done with
/// them (docs/recording.md). Reading a recording from its start and deleting one are written
/// to the audit log, with the Unix user and role that asked, before the answer goes out.
extension ControlHandlers {
    static let recordingChunkLimit = 1 << 20

    func registerRecordingMethods(on router: ControlRouter) {
        router.register(RecordingList.self) { params, _ in
            let recordings = try requireRecordings()
            let limit = params.limit ?? 100
            guard (1...10_000).contains(limit) else {
                throw RPCError.invalidArgument("limit must be 1 to 10000, not \(limit)", field: "limit")
            }
            let query = RecordingQuery(
                since: params.since, until: params.until, number: params.number, callID: params.call,
                includeDeleted: params.includeDeleted ?? false, limit: limit)
            return try await storeCall { try await recordings.repository.search(query) }.map(Self.info)
        }
        router.register(RecordingRead.self) { params, context in
            let recordings = try requireRecordings()
            let record = try await recording(params.id, in: recordings)
            guard record.state != .deleted else {
                throw RPCError.notFound("recording \(record.id) was deleted (\(record.deletedReason ?? "no reason given"))")
            }
            guard record.state != .recording else {
                throw RPCError.conflict("recording \(record.id) is still being written (its call goes on)")
            }
            let offset = params.offset ?? 0
            let length = params.length ?? Self.recordingChunkLimit
            guard offset >= 0 else { throw RPCError.invalidArgument("offset must not be negative", field: "offset") }
            guard (1...Self.recordingChunkLimit).contains(length) else {
                throw RPCError.invalidArgument("length must be 1 to \(Self.recordingChunkLimit) bytes", field: "length")
            }
            if offset == 0 {
                do {
                    try recordings.audit.record(
                        actor: Self.actor(context), action: "recording.exported", object: "recording \(record.id)",
                        detail: "\(record.caller) to \(record.callee), started \(record.startedAt)")
                } catch {
                    throw RPCError.unavailable("the export was not allowed because it could not be audited: \(error)")
                }
            }
            let path = recordings.absolutePath(record.path)
            let (bytes, size) = CallRecordingFile.isSealed(path)
                ? try Self.readSealedChunk(path, keys: recordings.keys, offset: offset, length: length)
                : try Self.readChunk(path, offset: offset, length: length)
            return RecordingChunk(offset: offset, data: Data(bytes).base64EncodedString(), size: size, sha256: record.sha256)
        }
        router.register(RecordingDelete.self) { params, context in
            let recordings = try requireRecordings()
            let reason = params.reason.trimmingCharacters(in: .whitespaces)
            guard !reason.isEmpty, reason.count <= 200 else {
                throw RPCError.invalidArgument("give a reason of 1 to 200 characters (it goes to the audit log)", field: "reason")
            }
            let record = try await recording(params.id, in: recordings)
            guard record.state != .deleted else { throw RPCError.conflict("recording \(record.id) is already deleted") }
            guard record.state != .recording else {
                throw RPCError.conflict("recording \(record.id) is still being written; delete it after its call ends")
            }
            try await storeCall { try await recordings.delete(record, reason: reason, actor: Self.actor(context)) }
            return try await Self.info(storeCall { try await recordings.repository.recording(id: record.id) } ?? record)
        }
        router.register(RecordingRetain.self) { params, context in
            let recordings = try requireRecordings()
            let reason = params.reason.trimmingCharacters(in: .whitespaces)
            guard !reason.isEmpty, reason.count <= 200 else {
                throw RPCError.invalidArgument("give a reason of 1 to 200 characters (it goes to the audit log)", field: "reason")
            }
            let record = try await recording(params.id, in: recordings)
            let kept = try await storeCall {
                try await recordings.retain(record, until: params.until, reason: reason, actor: Self.actor(context))
            }
            return Self.info(kept)
        }
        router.register(CallRecord.self) { params, context in
            guard let action = RecordingAction(rawValue: params.action) else {
                throw RPCError.invalidArgument("action must be start, pause or resume, not '\(params.action)'", field: "action")
            }
            guard let id = UUID(uuidString: params.id) else {
                throw RPCError.invalidArgument("'\(params.id)' is not a call id (see 'vpbx call list')", field: "id")
            }
            if context.role == .agent { try await requireOwnCall(context, id) }
            let recordings = try requireRecordings()
            let actor = Self.actor(context)
            if action != .start {
                // Checked first, so a refused pause leaves no audit entry.
                guard let call = await pbx.callSnapshots().first(where: { $0.id == id }) else {
                    throw RPCError.notFound("no call \(id.lowercaseText) in progress (see 'vpbx call list')")
                }
                guard call.recording != nil else { throw RPCError.conflict("call \(id.lowercaseText) is not being recorded") }
                // Audited before it takes effect: a pause nobody can account for is not allowed.
                do {
                    try recordings.audit.record(
                        actor: actor, action: "recording.\(action == .pause ? "paused" : "resumed")",
                        object: "recording \(id.lowercaseText)")
                } catch {
                    throw RPCError.unavailable("the recording was not \(action.rawValue)d because it could not be audited: \(error)")
                }
            }
            do {
                try await pbx.controlRecording(callID: id, action, reason: "asked for by \(actor)")
            } catch let error as RecordingControlError {
                switch error.kind {
                case .notFound: throw RPCError.notFound(error.description)
                case .conflict: throw RPCError.conflict(error.description)
                case .unavailable: throw RPCError.unavailable(error.description)
                }
            }
            if action != .start {
                await publish(
                    "recording", "recording.\(action == .pause ? "paused" : "resumed")",
                    ["id": .string(id.lowercaseText), "by": .string(actor)])
            }
            guard let call = await pbx.callSnapshots().first(where: { $0.id == id }) else {
                throw RPCError.notFound("call \(id.lowercaseText) ended meanwhile")
            }
            return Self.info(call, counters: nil)
        }
        router.register(AuditList.self) { params, _ in
            let recordings = try requireRecordings()
            let limit = params.limit ?? 100
            guard (1...100_000).contains(limit) else {
                throw RPCError.invalidArgument("limit must be 1 to 100000, not \(limit)", field: "limit")
            }
            do {
                let (entries, broken) = try recordings.audit.read(limit: limit)
                return AuditLogInfo(
                    entries: entries.map {
                        AuditEntryInfo(seq: $0.seq, at: $0.at, actor: $0.actor, action: $0.action, object: $0.object, detail: $0.detail)
                    }, brokenAtLine: broken)
            } catch {
                throw RPCError.internal("the audit log cannot be read: \(error)")
            }
        }
    }

    /// An agent controls the recording of the call its logged-in extension is answering only.
    private func requireOwnCall(_ context: RequestContext, _ id: UUID) async throws {
        let own = try AgentIdentity.ownAgent(context)
        guard let (agent, _) = await queueCenter.agent(own), agent.state != .loggedOut, let at = agent.extensionNumber,
            await pbx.answeredCallID(of: at) == id
        else {
            throw RPCError.forbidden(
                "you are agent \(own): as an agent you may control the recording of your own call only, at the extension you are logged in at")
        }
    }

    private func requireRecordings() throws -> EngineRecordings {
        guard let recordings else {
            throw RPCError.unavailable("call recording is off: the engine could not open its audit log (see its log)")
        }
        return recordings
    }

    private func recording(_ id: String, in recordings: EngineRecordings) async throws -> RecordingRecord {
        guard let uuid = UUID(uuidString: id) else {
            throw RPCError.invalidArgument("'\(id)' is not a recording id (see 'vpbx rec list')", field: "id")
        }
        let key = uuid.uuidString.lowercased()
        guard let record = try await storeCall({ try await recordings.repository.recording(id: key) }) else {
            throw RPCError.notFound("no recording \(key) (see 'vpbx rec list')")
        }
        return record
    }

    /// Who asked, as the audit log names them: the kernel's uid and the role it maps to.
    static func actor(_ context: RequestContext) -> String {
        "uid \(context.peer.uid) (\(context.role.rawValue))"
    }

    static func readChunk(_ path: String, offset: Int, length: Int) throws -> ([UInt8], Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw RPCError.internal("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw RPCError.internal("cannot read \(path): \(String(cString: strerror(errno)))") }
        let size = Int(info.st_size)
        let wanted = max(0, min(length, size - offset))
        var bytes = [UInt8](repeating: 0, count: wanted)
        var done = 0
        while done < wanted {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, wanted - done, off_t(offset + done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw RPCError.internal("cannot read \(path): \(String(cString: strerror(errno)))") }
            done += n
        }
        return (bytes, size)
    }

    /// A piece of the WAV an encrypted recording holds, decrypted here: the export is the
    /// same file a plain recording would have been.
    static func readSealedChunk(_ path: String, keys: RecordingKeyring?, offset: Int, length: Int) throws -> ([UInt8], Int) {
        guard let keys else {
            throw RPCError.unavailable("\(path) is encrypted and the engine was started without --recording-key")
        }
        do {
            let reader = try SealedRecordingReader(path: path, keys: keys)
            return (try reader.read(offset: offset, length: length), reader.wavSize)
        } catch {
            throw RPCError.internal("cannot read the recording: \(error)")
        }
    }

    static func info(_ record: RecordingRecord) -> RecordingInfo {
        RecordingInfo(
            id: record.id, caller: record.caller, callee: record.callee, startedAt: record.startedAt, endedAt: record.endedAt,
            durationMs: record.durationMilliseconds, bytes: record.bytes, sha256: record.sha256, state: record.state.rawValue,
            error: record.error, path: record.path, retainUntil: record.retainUntil, deletedAt: record.deletedAt,
            deletedReason: record.deletedReason)
    }
}
