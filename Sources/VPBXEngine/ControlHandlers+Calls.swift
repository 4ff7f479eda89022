import Foundation
import VPBXControl
import VPBXPBX
import VPBXStore
import VPBXText

/// `registration.list`, `call.*` and `cdr.search`.
extension ControlHandlers {
    func registerCallMethods(on router: ControlRouter) {
        router.register(RegistrationList.self) { params, _ in
            let now = Date()
            return await pbx.registrationStatuses(extension: params.number).map { binding, status in
                let contact = Self.contactInfo(status)
                return RegistrationInfo(
                    extension: binding.extensionNumber, contact: binding.contactText,
                    transport: binding.source.transport.rawValue,
                    source: "\(binding.source.host):\(binding.source.port)", userAgent: binding.userAgent,
                    expiresAt: binding.expiresAt, expiresIn: max(0, Int(binding.expiresAt.timeIntervalSince(now))),
                    reachability: contact.reachability, rttMs: contact.rttMs)
            }
        }
        router.register(CallList.self) { _, _ in
            var result: [CallInfo] = []
            for call in await pbx.callSnapshots() {
                let counters = await pbx.mediaCounters(call: call.id)
                result.append(Self.info(call, counters: counters))
            }
            return result
        }
        router.register(CallHangup.self) { params, _ in
            guard let id = UUID(uuidString: params.id), await pbx.hangup(callID: id) else {
                throw RPCError.notFound("call \(params.id) is not in progress (see 'vpbx call list')")
            }
            return Acknowledged()
        }
        router.register(CallPickup.self) { params, _ in
            guard let id = UUID(uuidString: params.id) else {
                throw RPCError.invalidArgument("'\(params.id)' is not a call id (see 'vpbx call list')", field: "id")
            }
            guard try await storeCall({ try await self.extensions.get(params.extension) }) != nil else {
                throw RPCError.notFound("extension \(params.extension) does not exist")
            }
            // A parked call: its park application rings the extension (and parks it again
            // when nobody answers there).
            if pbx.parking.requestPickup(callID: id, by: params.extension) { return Acknowledged() }
            guard await pbx.pickUpRinging(callID: id, to: params.extension) else {
                throw RPCError.conflict(
                    "call \(params.id) is neither ringing nor parked, or extension \(params.extension) has no phone to ring (see 'vpbx call list')"
                )
            }
            return Acknowledged()
        }
        router.register(CallTransfer.self) { params, _ in
            guard let id = UUID(uuidString: params.id) else {
                throw RPCError.invalidArgument("'\(params.id)' is not a call id (see 'vpbx call list')", field: "id")
            }
            switch await pbx.transfer(callID: id, to: params.to, keepingCallee: params.keep == .callee) {
            case .started: return Acknowledged()
            case .noSuchCall: throw RPCError.notFound("call \(params.id) is not in progress (see 'vpbx call list')")
            case .notTransferable:
                throw RPCError.conflict(
                    "call \(params.id) cannot be transferred now: only an answered call between the caller and a phone, not being transferred already (and keeping its callee, not a queue call, nor one converting between A-law and µ-law or listened to)"
                )
            case .unknownTarget:
                throw RPCError.notFound(
                    "'\(params.to)' leads nowhere a caller can be put through to (an unknown, disabled or unregistered extension?)"
                )
            }
        }
        router.register(CallOriginate.self) { params, context in
            if context.role == .agent { try await requireLoggedIn(context, at: params.from) }
            do {
                let started = try await pbx.originate(
                    from: params.from, to: params.to, autoAnswer: params.autoAnswer ?? false)
                return Self.info(started, counters: nil)
            } catch let error as OriginateError {
                switch error.kind {
                case .notFound: throw RPCError.notFound(error.description)
                case .conflict: throw RPCError.conflict(error.description)
                }
            }
        }
        router.register(CallParked.self) { _, _ in
            let now = Date()
            let lot = pbx.parking
            return lot.list.map { parked in
                let waited = Int(now.timeIntervalSince(parked.since))
                return ParkedCallInfo(
                    slot: parked.slot, id: parked.callID.lowercaseText, caller: parked.caller,
                    callerName: parked.callerName, parkedBy: parked.parker, since: parked.since,
                    secondsLeft: max(0, lot.timeoutSeconds - waited))
            }
        }
        registerConferenceMethods(on: router)
        registerMonitorMethods(on: router)
        router.register(CDRSearch.self) { params, _ in
            var before: CDRPosition?
            if let cursor = params.olderThan {
                guard let id = UUID(uuidString: cursor.id) else {
                    throw RPCError.invalidArgument(
                        "olderThan.id '\(cursor.id)' is not a call record's id (a UUID from cdr.search)",
                        field: "olderThan")
                }
                before = CDRPosition(startedAt: cursor.startedAt, id: id)
            }
            let query = CDRQuery(
                since: params.since, until: params.until, number: try await self.searchedNumber(params.number),
                disposition: params.disposition.flatMap { VPBXStore.CallDisposition(rawValue: $0.rawValue) },
                encrypted: params.encrypted, limit: params.limit ?? CDRQuery.defaultLimit, before: before,
                finishedOnly: true)
            let rows = try await storeCall { try await cdrs.search(query) }
            return rows.compactMap(Self.info)
        }
    }

    /// A number to search the records for as they keep it: an extension's as it is, a public
    /// number in E.164, read as the exchange's phones dial it (`234 5678` with the area set,
    /// the outside-line prefix), so a number is found the way it was dialled.
    private func searchedNumber(_ number: String?) async throws -> String? {
        guard let number, try await storeCall({ try await self.extensions.get(number) }) == nil,
            let outside = PublicNumber(dialled: number, local: try await localDialling()), outside.reach != .emergency
        else { return number }
        return outside.e164
    }

    /// An agent's console calls from the phone the agent sits at, not from anyone else's.
    private func requireLoggedIn(_ context: RequestContext, at extensionNumber: String) async throws {
        let own = try AgentIdentity.ownAgent(context)
        guard let (agent, _) = await queueCenter.agent(own), agent.state != .loggedOut,
            agent.extensionNumber == extensionNumber
        else {
            throw RPCError.forbidden(
                "you are agent \(own): as an agent you may call only from the extension you are logged in at, not from \(extensionNumber)"
            )
        }
    }

    static func info(_ call: CallSnapshot, counters: MediaCounters?) -> CallInfo {
        var state = CallState(rawValue: call.state == .routing ? "dialing" : call.state.rawValue)
        // A held call is still answered; "held" says who holds it, per leg.
        let legState = { (party: String) in
            call.state == .answered && call.heldBy.contains(party) ? CallState.held : state
        }
        var legs = [
            CallLegInfo(
                id: "a", party: call.caller, state: legState("caller"), rtpPacketsIn: counters?.packetsFromA,
                rtpPacketsOut: counters?.packetsToA, mediaPort: call.callerMediaPort)
        ]
        for (index, contact) in call.calleeContacts.enumerated() {
            legs.append(
                CallLegInfo(
                    id: "b\(index + 1)", party: contact, state: legState("callee"),
                    rtpPacketsIn: counters?.packetsFromB,
                    rtpPacketsOut: counters?.packetsToB, mediaPort: call.calleeMediaPort))
        }
        if call.state == .answered, !call.heldBy.isEmpty { state = .held }
        var info = CallInfo(
            id: call.id.lowercaseText, caller: call.caller, callerName: call.callerName, callee: call.callee,
            state: state, startedAt: call.startedAt, answeredAt: call.answeredAt, legs: legs, recording: call.recording)
        info.encrypted = call.encrypted
        return info
    }

    /// Rows still `in_progress` are live calls: `call.list` shows those.
    static func info(_ row: CDRRecord) -> CDRInfo? {
        guard let endedAt = row.endedAt,
            let disposition = VPBXControl.CallDisposition(rawValue: row.disposition.rawValue)
        else {
            return nil
        }
        return CDRInfo(
            id: row.id.lowercaseText, caller: row.caller, callerName: row.callerName, callee: row.callee,
            startedAt: row.startedAt, answeredAt: row.answeredAt, endedAt: endedAt,
            durationSeconds: row.durationSeconds,
            billableSeconds: row.billableSeconds, disposition: disposition, cause: row.cause,
            hangupSide: row.hangupSide.flatMap { VPBXControl.HangupSide(rawValue: $0.rawValue) }, path: row.path,
            encrypted: row.encrypted)
    }
}
