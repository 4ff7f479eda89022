import Foundation
import VPBXControl
import VPBXPBX
import VPBXSignaling
import VPBXStore
import VPBXText

/// `extension.*` methods: the store is changed first, then the live core, so a new extension
/// can register at once and a removed one is unregistered with its calls ended. The dial plan
/// changes only in the extension's voicemail box (`PBXCore.setMailbox`).
extension ControlHandlers {
    func registerExtensionMethods(on router: ControlRouter) {
        router.register(ExtensionCreate.self) { params, _ in
            let (md5, sha256) = self.hashes(number: params.number, password: params.password)
            let record = ExtensionRecord(
                number: params.number, displayName: params.name, ha1MD5: md5, ha1SHA256: sha256,
                kind: ExtensionKindMapping.store(params.kind ?? .desk),
                mobileNumber: try Self.normalizedMobile(params.mobileNumber),
                enabled: params.enabled ?? true,
                noAnswerTimeout: params.noAnswerTimeout ?? ExtensionRecord.defaultNoAnswerTimeout,
                language: params.language == .en ? .en : .hu, staticContact: try Self.validContact(params.staticContact),
                mayMonitor: params.mayMonitor ?? false,
                pickupGroup: params.pickupGroup.flatMap { $0.isEmpty ? nil : $0 },
                qualifySeconds: params.qualifySeconds ?? 0, recordCalls: params.recordCalls ?? false,
                outboundClass: params.outboundClass.flatMap { OutboundClass(rawValue: $0.rawValue) } ?? .national,
                callerID: try Self.normalizedNumber(params.callerID, field: "callerID"),
                forwardAlways: try await self.forwardTarget(params.forwardAlways, field: "forwardAlways"),
                forwardBusy: try await self.forwardTarget(params.forwardBusy, field: "forwardBusy"),
                forwardNoAnswer: try await self.forwardTarget(params.forwardNoAnswer, field: "forwardNoAnswer"),
                withholdNumber: params.withholdNumber ?? false,
                mobileConfirm: params.mobileConfirm ?? false,
                srtp: params.srtp.flatMap { SRTPPolicy(rawValue: $0.rawValue) } ?? .off,
                doNotDisturb: params.doNotDisturb ?? false
            )
            // Checked first, so a refused PIN leaves no extension behind.
            let planned = try await self.plannedMailbox(
                params.number, voicemail: params.voicemail, pin: params.voicemailPin,
                maxSeconds: params.voicemailMaxSeconds, email: params.voicemailEmail)
            let created = try await self.storeCall { try await self.extensions.create(record) }
            let mailbox = try await self.saveMailbox(planned)
            await self.pbx.extensionChanged(created)
            await self.pbx.setMailbox(created.number, enabled: mailbox?.enabled ?? false)
            await self.publish("extension", "extension.created", ["number": .string(created.number)])
            return Self.info(created, mailbox: mailbox)
        }
        router.register(ExtensionList.self) { _, _ in
            let boxes = try await self.storeCall { try await self.voicemailStore.mailboxes() }
            let byNumber = Dictionary(boxes.map { ($0.extensionNumber, $0) }, uniquingKeysWith: { first, _ in first })
            let reachability = await self.pbx.staticContactReachability()
            return try await self.storeCall { try await self.extensions.list() }.map {
                var info = Self.info($0, mailbox: byNumber[$0.number])
                info.staticContactReachability = reachability[$0.number].flatMap {
                    VPBXControl.ContactReachability(rawValue: $0.rawValue)
                }
                return info
            }
        }
        router.register(ExtensionGet.self) { params, _ in
            guard let record = try await self.storeCall({ try await self.extensions.get(params.number) }) else {
                throw RPCError.notFound("extension \(params.number) does not exist")
            }
            let mailbox = try await self.storeCall { try await self.voicemailStore.mailbox(params.number) }
            return await self.infoWithContacts(record, mailbox: mailbox)
        }
        router.register(ExtensionCheck.self) { params, _ in
            guard let record = try await self.storeCall({ try await self.extensions.get(params.number) }),
                await self.pbx.checkContactsNow(of: params.number)
            else {
                throw RPCError.notFound("extension \(params.number) does not exist")
            }
            // Every check ends within its timeout: answered, or unreachable.
            let deadline = ContinuousClock.now + self.pbx.contactCheckTimeout + .milliseconds(500)
            while await self.pbx.contactChecksPending(of: params.number), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let mailbox = try await self.storeCall { try await self.voicemailStore.mailbox(params.number) }
            var info = Self.info(record, mailbox: mailbox)
            info.contacts = await self.pbx.contactCheckResults(of: params.number).map(Self.contactInfo)
            return info
        }
        router.register(ExtensionUpdate.self) { params, _ in
            var patch = ExtensionPatch(
                displayName: params.name, kind: params.kind.map(ExtensionKindMapping.store), enabled: params.enabled,
                noAnswerTimeout: params.noAnswerTimeout, language: params.language.map { $0 == .en ? .en : .hu })
            if let password = params.password {
                (patch.ha1MD5, patch.ha1SHA256) = self.hashes(number: params.number, password: password)
            }
            if let mobile = params.mobileNumber {
                patch.mobileNumber = mobile.isEmpty ? .clear : .set(try Self.normalizedMobile(mobile) ?? mobile)
            }
            if let contact = params.staticContact {
                patch.staticContact = contact.isEmpty ? .clear : .set(try Self.validContact(contact) ?? contact)
            }
            patch.mayMonitor = params.mayMonitor
            patch.qualifySeconds = params.qualifySeconds
            patch.recordCalls = params.recordCalls
            patch.withholdNumber = params.withholdNumber
            patch.mobileConfirm = params.mobileConfirm
            patch.doNotDisturb = params.doNotDisturb
            patch.srtp = params.srtp.flatMap { SRTPPolicy(rawValue: $0.rawValue) }
            patch.outboundClass = params.outboundClass.flatMap { OutboundClass(rawValue: $0.rawValue) }
            if let callerID = params.callerID {
                patch.callerID = callerID.isEmpty ? .clear : .set(try Self.normalizedNumber(callerID, field: "callerID") ?? callerID)
            }
            if let group = params.pickupGroup { patch.pickupGroup = group.isEmpty ? .clear : .set(group) }
            if let target = params.forwardAlways {
                patch.forwardAlways = try await self.forwardTarget(target, field: "forwardAlways").map { .set($0) } ?? .clear
            }
            if let target = params.forwardBusy {
                patch.forwardBusy = try await self.forwardTarget(target, field: "forwardBusy").map { .set($0) } ?? .clear
            }
            if let target = params.forwardNoAnswer {
                patch.forwardNoAnswer = try await self.forwardTarget(target, field: "forwardNoAnswer").map { .set($0) } ?? .clear
            }
            let changes = patch
            guard try await self.storeCall({ try await self.extensions.get(params.number) }) != nil else {
                throw RPCError.notFound("extension \(params.number) does not exist")
            }
            let planned = try await self.plannedMailbox(
                params.number, voicemail: params.voicemail, pin: params.voicemailPin,
                maxSeconds: params.voicemailMaxSeconds, email: params.voicemailEmail)
            let updated = try await self.storeCall { try await self.extensions.update(params.number, with: changes) }
            let mailbox = try await self.saveMailbox(planned)
            await self.pbx.extensionChanged(updated)
            // Without voicemail parameters the box is as it was.
            if let mailbox { await self.pbx.setMailbox(updated.number, enabled: mailbox.enabled) }
            await self.publish("extension", "extension.updated", ["number": .string(updated.number)])
            return Self.info(updated, mailbox: mailbox)
        }
        router.register(ExtensionDelete.self) { params, _ in
            guard let record = try await self.storeCall({ try await self.extensions.get(params.number) }) else {
                throw RPCError.notFound("extension \(params.number) does not exist")
            }
            let mailbox = try await self.storeCall { try await self.voicemailStore.mailbox(params.number) }
            _ = try await self.storeCall { try await self.extensions.delete(params.number) }
            // The box and its rows went with the extension (ON DELETE CASCADE); now its audio.
            if mailbox != nil { self.voicemail.removeMailboxFiles(params.number) }
            await self.pbx.extensionRemoved(params.number)
            await self.pbx.setMailbox(params.number, enabled: false)
            await self.publish("extension", "extension.deleted", ["number": .string(params.number)])
            return Self.info(record, mailbox: mailbox)
        }
    }

    /// Digest HA1 values: the only form in which a password is kept.
    func hashes(number: String, password: String) -> (String, String) {
        (
            DigestHash.ha1(username: number, realm: realm, password: password, algorithm: .md5),
            DigestHash.ha1(username: number, realm: realm, password: password, algorithm: .sha256)
        )
    }

    static func normalizedMobile(_ text: String?) throws(RPCError) -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard let e164 = HungarianNumber.normalize(text) else {
            throw RPCError.invalidArgument(
                "mobile number '\(text)' is not a valid number (try +36301234567 or 06 30 123 4567)",
                field: "mobileNumber")
        }
        return e164
    }

    /// A caller ID given in Hungarian or E.164 form, in E.164; nil for none.
    static func normalizedNumber(_ text: String?, field: String) throws(RPCError) -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard let e164 = HungarianNumber.normalize(text) else {
            throw RPCError.invalidArgument(
                "caller ID '\(text)' is not a valid number (try +3612345601 or 06 1 234 5601)", field: field)
        }
        return e164
    }

    /// A forwarding target as typed (``ForwardingTargets``); nil for "" (none).
    func forwardTarget(_ text: String?, field: String) async throws -> String? {
        guard let text, !text.filter({ $0 != " " }).isEmpty else { return nil }
        guard
            let stored = try await ForwardingTargets.normalized(text, local: localDialling(), isExtension: { number in
                try await self.storeCall { try await self.extensions.get(number) } != nil
            })
        else {
            throw RPCError.invalidArgument(
                "forwarding target '\(text)' is neither an extension nor a phone number (try 202 or 06 30 123 4567)",
                field: field)
        }
        return stored
    }

    static func validContact(_ text: String?) throws(RPCError) -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard let uri = try? VPBXSIPURI.parse(text) else {
            throw RPCError.invalidArgument(
                "static contact '\(text)' is not a SIP URI (e.g. sip:door@192.0.2.10:5060)", field: "staticContact")
        }
        return uri
    }

    static func info(_ record: ExtensionRecord) -> ExtensionInfo {
        var info = ExtensionInfo(
            number: record.number, name: record.displayName, kind: ExtensionKindMapping.wire(record.kind),
            mobileNumber: record.mobileNumber, language: record.language == .en ? .en : .hu,
            noAnswerTimeout: record.noAnswerTimeout, staticContact: record.staticContact, enabled: record.enabled,
            mayMonitor: record.mayMonitor, pickupGroup: record.pickupGroup, qualifySeconds: record.qualifySeconds,
            recordCalls: record.recordCalls,
            outboundClass: OutboundCallClass(rawValue: record.outboundClass.rawValue) ?? .national,
            callerID: record.callerID, forwardAlways: record.forwardAlways, forwardBusy: record.forwardBusy,
            forwardNoAnswer: record.forwardNoAnswer)
        info.withholdNumber = record.withholdNumber
        info.mobileConfirm = record.mobileConfirm
        info.srtp = SRTPOffer(rawValue: record.srtp.rawValue)
        info.doNotDisturb = record.doNotDisturb
        return info
    }

    /// `extension.get`: the extension with its contacts' state.
    func infoWithContacts(_ record: ExtensionRecord, mailbox: MailboxRecord?) async -> ExtensionInfo {
        var info = Self.info(record, mailbox: mailbox)
        let contacts = await pbx.contactStatuses(of: record.number).map(Self.contactInfo)
        info.contacts = contacts
        // As in extension.list: only for a checked extension (unchecked contacts say so).
        info.staticContactReachability = contacts.first { !$0.registered && $0.reachability != .unchecked }?.reachability
        return info
    }

    static func contactInfo(_ status: ContactStatus) -> ContactStatusInfo {
        ContactStatusInfo(
            contact: status.contact, registered: status.registered,
            reachability: VPBXControl.ContactReachability(rawValue: status.reachability.rawValue) ?? .unknown,
            rttMs: status.roundTripMilliseconds, since: status.since)
    }
}

enum ExtensionKindMapping {
    static func store(_ kind: VPBXControl.ExtensionKind) -> VPBXStore.ExtensionKind {
        VPBXStore.ExtensionKind(rawValue: kind.rawValue) ?? .desk
    }

    static func wire(_ kind: VPBXStore.ExtensionKind) -> VPBXControl.ExtensionKind {
        VPBXControl.ExtensionKind(rawValue: kind.rawValue) ?? .desk
    }
}
