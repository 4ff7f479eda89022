import Foundation
import VPBXControl
import VPBXPBX
import VPBXSIP
import VPBXStore
import VPBXText

/// `trunk.*`: SIP trunks are part of the dial plan (docs/trunks.md); every change rebuilds it,
/// so the next call uses the new settings and calls in progress go on.
extension ControlHandlers {
    func registerTrunkMethods(on router: ControlRouter) {
        router.register(TrunkCreate.self) { params, _ in
            var record = TrunkRecord(name: params.name, host: params.host ?? "")
            guard params.host != nil else { throw RPCError.invalidArgument("a trunk needs a host", field: "host") }
            try await apply(params, to: &record)
            let created = record
            try await self.storeCall { try await self.dialPlan.create(created) }
            try await self.reloadDialPlan()
            await self.publish("dialplan", "trunk.created", ["name": .string(record.name)])
            return await trunkInfo(record)
        }
        router.register(TrunkList.self) { _, _ in
            var list: [TrunkInfo] = []
            for record in try await self.storeCall({ try await self.dialPlan.trunks() }) { list.append(await trunkInfo(record)) }
            return list
        }
        router.register(TrunkGet.self) { params, _ in
            await trunkInfo(try await existingTrunk(params.name))
        }
        router.register(TrunkUpdate.self) { params, _ in
            var record = try await existingTrunk(params.name)
            try await apply(params, to: &record)
            let changed = record
            try await self.storeCall { try await self.dialPlan.replace(changed) }
            try await self.reloadDialPlan()
            await self.publish("dialplan", "trunk.updated", ["name": .string(record.name)])
            return await trunkInfo(record)
        }
        router.register(TrunkDelete.self) { params, _ in
            let record = try await existingTrunk(params.name)
            let routes = try await outboundRoutes(naming: record.name)
            guard routes.isEmpty else {
                throw RPCError.conflict(
                    "trunk \(record.name) is named by outbound route \(routes.joined(separator: ", ")): "
                        + "give the route other trunks (vpbx outroute set \(routes[0]) --trunk ...) or remove it first")
            }
            _ = try await self.storeCall { try await self.dialPlan.deleteTrunk(params.name) }
            try await self.reloadDialPlan()
            await self.publish("dialplan", "trunk.deleted", ["name": .string(record.name)])
            return Self.trunkInfo(record, nil, nil)
        }
    }

    private func existingTrunk(_ name: String) async throws -> TrunkRecord {
        guard let record = try await storeCall({ try await self.dialPlan.trunks() }).first(where: { $0.name == name })
        else { throw RPCError.notFound("no trunk \(name) (see vpbx trunk list)") }
        return record
    }

    /// The given fields onto `record`; "" clears an optional one. The store checks the rest.
    private func apply(_ params: TrunkParams, to record: inout TrunkRecord) async throws {
        let cleared = { (text: String?) -> String?? in text.map { $0.isEmpty ? nil : $0 } }
        let previousTransport = record.transport
        if let transport = params.transport { record.transport = transport }
        if let host = params.host { record.host = host }
        if let port = params.port {
            record.port = port
        } else if params.host != nil
            || (record.transport != previousTransport && record.port == Self.defaultPort(of: previousTransport))
        {
            // A host without a port, or a trunk moved to another transport on the old one's
            // default: the new transport's own (5061 over TLS), as in a SIP URI.
            record.port = Self.defaultPort(of: record.transport)
        }
        if let username = cleared(params.username) { record.username = username }
        if let password = cleared(params.password) { record.password = password }
        if let callerID = params.callerID {
            record.callerID = try Self.normalizedNumber(callerID, field: "callerID")
        }
        if let format = params.numberFormat { record.numberFormat = format }
        if let inbound = params.inbound {
            record.inboundDestination =
                inbound.isEmpty ? nil : try await checkedDestination(inbound, field: "inbound").description
        }
        if let outbound = params.outbound { record.outbound = outbound }
        if let priority = params.priority { record.priority = priority }
        if let register = params.register { record.register = register }
        if let seconds = params.qualifySeconds { record.qualifySeconds = seconds }
        if let pass = params.passCallerID { record.passCallerID = pass }
        if let srtp = params.srtp, let policy = SRTPPolicy(rawValue: srtp.rawValue) { record.srtp = policy }
        if let srv = params.srv {
            record.srv = srv
        } else if params.port != nil {
            record.srv = false
        } else if let host = params.host {
            // A host name without a port, as in a SIP URI (RFC 3263 §4.2): its SRV records.
            record.srv = !isIPAddressText(host)
        }
    }

    /// The port a SIP URI over `transport` means without one (RFC 3261 §19.1.2).
    private static func defaultPort(of transport: String) -> Int {
        SIPPeerAddress.Transport(rawValue: transport)?.defaultPort ?? 5060
    }

    private func trunkInfo(_ record: TrunkRecord) async -> TrunkInfo {
        var info = Self.trunkInfo(
            record, await pbx.trunkRegistrationStates()[record.name], await pbx.trunkReachability(of: record.name))
        info.servers = await pbx.trunkServers(of: record.name)
        info.srvName = await pbx.trunkServiceName(of: record.name)
        return info
    }

    static func trunkInfo(_ record: TrunkRecord, _ state: TrunkRegistrationState?, _ reach: TrunkReachability?) -> TrunkInfo {
        var info = TrunkInfo(
            name: record.name, host: record.host, port: record.port, transport: record.transport,
            username: record.username, hasPassword: record.password != nil, callerID: record.callerID,
            numberFormat: record.numberFormat, inbound: record.inboundDestination, outbound: record.outbound,
            priority: record.priority, register: record.register)
        info.qualifySeconds = record.qualifySeconds
        info.passCallerID = record.passCallerID
        info.srtp = SRTPOffer(rawValue: record.srtp.rawValue)
        info.srv = record.srv
        switch reach {
        case nil: break
        case .unknown: info.reachability = "unknown"
        case .reachable(let milliseconds):
            info.reachability = "reachable"
            info.roundTripMs = milliseconds
        case .unreachable: info.reachability = "unreachable"
        }
        switch state {
        case nil: break
        case .registering: info.registration = "registering"
        case .registered(let until):
            info.registration = "registered"
            info.registeredUntil = until
        case .failed(let reason, _):
            info.registration = "failed"
            info.registrationError = reason
        }
        return info
    }

    /// The dial plan's trunks from the store's rows; a row that cannot be read (written by a
    /// newer engine) is left out and logged.
    func loadTrunks() async throws -> [Trunk] {
        try await storeCall { try await self.dialPlan.trunks() }.compactMap { record in
            guard let format = PublicNumber.Format(rawValue: record.numberFormat),
                let transport = SIPPeerAddress.Transport(rawValue: record.transport)
            else {
                logger.error("trunk left out: unknown number format or transport", metadata: ["trunk": "\(record.name)"])
                return nil
            }
            return Trunk(
                name: record.name, host: record.host, port: record.port, transport: transport, username: record.username,
                password: record.password, callerID: record.callerID, numberFormat: format,
                inbound: record.inboundDestination.flatMap { try? Destination(parsing: $0) }, outbound: record.outbound,
                priority: record.priority, register: record.register, qualifySeconds: record.qualifySeconds,
                passCallerID: record.passCallerID, srtp: record.srtp, srv: record.srv)
        }
    }
}
