import Foundation
import VPBXControl
import VPBXStore

/// `voicemail.*` methods, and the mailbox settings that ride on `extension.create/update`.
/// Changes go through `EngineVoicemail`, so the box's counts are announced on every path.
extension ControlHandlers {
    func registerVoicemailMethods(on router: ControlRouter) {
        router.register(VoicemailList.self) { params, _ in
            guard let box = try await storeCall({ try await voicemailStore.mailbox(params.mailbox) }) else {
                throw RPCError.notFound(
                    "extension \(params.mailbox) has no voicemail box "
                        + "(vpbx ext set \(params.mailbox) --voicemail on --vm-pin PIN creates one)")
            }
            let messages = try await storeCall { try await voicemailStore.messages(mailbox: params.mailbox) }
            let counts = try await storeCall { try await voicemailStore.counts(mailbox: params.mailbox) }
            return VoicemailMailboxInfo(
                mailbox: box.extensionNumber, enabled: box.enabled, maxMessageSeconds: box.maxMessageSeconds,
                newCount: counts.new, oldCount: counts.old, messages: messages.map(Self.info))
        }
        router.register(VoicemailGet.self) { params, _ in
            Self.info(try await existingMessage(params.id))
        }
        router.register(VoicemailExport.self) { params, _ in
            let record = try await existingMessage(params.id)
            do {
                let bytes = try voicemail.files.bytes(record.audioPath)
                return VoicemailAudio(message: Self.info(record), wav: Data(bytes).base64EncodedString())
            } catch {
                throw RPCError.internal("the audio of voicemail message \(params.id) cannot be read: \(error)")
            }
        }
        router.register(VoicemailDelete.self) { params, _ in
            guard let id = UUID(uuidString: params.id),
                let record = try await storeCall({ try await voicemail.delete(id: id) })
            else { throw Self.noMessage(params.id) }
            return Self.info(record)
        }
        router.register(VoicemailMarkHeard.self) { params, _ in
            let existing = try await existingMessage(params.id)
            return Self.info(try await storeCall { try await voicemail.markHeard(id: existing.id) })
        }
    }

    private func existingMessage(_ id: String) async throws -> VoicemailMessageRecord {
        guard let record = try await storeCall({ try await voicemail.record(id) }) else { throw Self.noMessage(id) }
        return record
    }

    private static func noMessage(_ id: String) -> RPCError {
        RPCError.notFound("voicemail message \(id) does not exist (vpbx vm list EXT shows the ids)")
    }

    var voicemailStore: any VoicemailRepository { voicemail.repository }

    static func info(_ record: VoicemailMessageRecord) -> VoicemailMessageInfo {
        VoicemailMessageInfo(
            id: VoicemailIDs.text(record.id), mailbox: record.mailbox, caller: record.caller,
            callerName: record.callerName, receivedAt: record.receivedAt,
            durationMilliseconds: record.durationMilliseconds, folder: record.folder == .new ? .new : .old,
            callID: record.callID, emailTo: record.emailTo, emailedAt: record.emailedAt)
    }

    // MARK: Mailbox settings on extension.create / extension.update

    /// The box `number` should have after a change, checked before anything is written:
    /// nil when it has none and should have none. A new box needs a PIN; a PIN or length
    /// without a box (and without `voicemail: true`) is refused rather than guessed at.
    func plannedMailbox(
        _ number: String, voicemail enable: Bool?, pin: String?, maxSeconds: Int?, email: String? = nil
    ) async throws -> MailboxRecord? {
        if let pin, let problem = VoicemailPIN.problem(pin) {
            throw RPCError.invalidArgument(problem, field: "voicemailPin")
        }
        if let email, !email.isEmpty, let problem = MailboxRecord.problem(email: email) {
            throw RPCError.invalidArgument(problem, field: "voicemailEmail")
        }
        if let maxSeconds, !MailboxRecord.maxMessageSecondsRange.contains(maxSeconds) {
            let range = MailboxRecord.maxMessageSecondsRange
            throw RPCError.invalidArgument(
                "voicemailMaxSeconds \(maxSeconds) is out of range: expected \(range.lowerBound) to \(range.upperBound) seconds",
                field: "voicemailMaxSeconds")
        }
        let existing = try await storeCall { try await voicemailStore.mailbox(number) }
        guard var box = existing else {
            guard enable == true else {
                if pin == nil && maxSeconds == nil && email == nil { return nil }
                throw RPCError.invalidArgument(
                    "extension \(number) has no voicemail box: switch it on with voicemail true and a PIN",
                    field: "voicemail")
            }
            guard let pin else {
                throw RPCError.invalidArgument(
                    "a voicemail box needs a PIN: give voicemailPin (4 to 10 digits)", field: "voicemailPin")
            }
            return MailboxRecord(
                extensionNumber: number, pinHash: VoicemailPIN.hash(pin),
                maxMessageSeconds: maxSeconds ?? MailboxRecord.defaultMaxMessageSeconds,
                email: email.flatMap { $0.isEmpty ? nil : $0 })
        }
        if let email { box.email = email.isEmpty ? nil : email }
        if let enable { box.enabled = enable }
        if let pin { box.pinHash = VoicemailPIN.hash(pin) }
        if let maxSeconds { box.maxMessageSeconds = maxSeconds }
        return box
    }

    /// Stores a planned box if it differs from what is stored.
    func saveMailbox(_ planned: MailboxRecord?) async throws -> MailboxRecord? {
        guard let planned else { return nil }
        return try await storeCall { try await voicemailStore.upsertMailbox(planned) }
    }

    static func info(_ record: ExtensionRecord, mailbox: MailboxRecord?) -> ExtensionInfo {
        var info = info(record)
        info.voicemail = mailbox?.enabled ?? false
        info.voicemailMaxSeconds = mailbox?.maxMessageSeconds
        info.voicemailEmail = mailbox?.email
        return info
    }
}
