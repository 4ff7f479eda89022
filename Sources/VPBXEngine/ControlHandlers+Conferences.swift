import VPBXControl
import VPBXPBX
import VPBXStore

/// `conference.*`: conference rooms and their settings (a PIN, a participant limit). The
/// settings are part of the dial plan: every change rebuilds it, so the next caller meets
/// them; callers already in a room stay.
extension ControlHandlers {
    func registerConferenceMethods(on router: ControlRouter) {
        router.register(ConferenceList.self) { _, context in
            let settings = try await self.storeCall { try await self.dialPlan.conferenceRooms() }
            let inUse = Dictionary(uniqueKeysWithValues: conferences.list.map { ($0.name, $0) })
            let names = Set(settings.map(\.name)).union(inUse.keys).sorted()
            let byName = Dictionary(uniqueKeysWithValues: settings.map { ($0.name, $0) })
            return names.map { name in
                Self.conferenceInfo(name, byName[name], room: inUse[name], showingPIN: context.role == .admin)
            }
        }
        router.register(ConferenceMute.self) { params, context in
            let room: ConferenceRooms.Room
            switch (params.participant, params.everyone == true) {
            case (nil, true):
                guard let changed = conferences.setMutedEveryone(params.muted, in: params.name) else {
                    throw RPCError.notFound("nobody is in conference room \(params.name) (see vpbx conf list)")
                }
                room = changed
            case (let participant?, false):
                guard let changed = conferences.setMuted(params.muted, caller: participant, in: params.name) else {
                    throw RPCError.notFound(
                        "nobody calling from \(participant) is in conference room \(params.name) (see vpbx conf list)")
                }
                room = changed
            default:
                throw RPCError.invalidArgument(
                    "give a participant's number or everyone, not both", field: "participant")
            }
            await self.publish(
                "conference", params.muted ? "conference.muted" : "conference.unmuted",
                ["name": .string(params.name)]
                    .merging(params.participant.map { ["participant": .string($0)] } ?? ["everyone": .bool(true)]) {
                        a, _ in a
                    })
            let record = try await self.storeCall { try await self.dialPlan.conferenceRooms() }.first {
                $0.name == params.name
            }
            return Self.conferenceInfo(params.name, record, room: room, showingPIN: context.role == .admin)
        }
        router.register(ConferenceLock.self) { params, context in
            guard let room = conferences.setLocked(params.locked, in: params.name) else {
                throw RPCError.notFound("nobody is in conference room \(params.name) (see vpbx conf list)")
            }
            await self.publish(
                "conference", params.locked ? "conference.locked" : "conference.unlocked",
                ["name": .string(params.name)])
            let record = try await self.storeCall { try await self.dialPlan.conferenceRooms() }.first {
                $0.name == params.name
            }
            return Self.conferenceInfo(params.name, record, room: room, showingPIN: context.role == .admin)
        }
        router.register(ConferenceCreate.self) { params, _ in
            var record = ConferenceRoomRecord(name: params.name)
            Self.apply(params, to: &record)
            let created = record
            try await self.storeCall { try await self.dialPlan.create(created) }
            return try await self.conferenceChanged(record, "conference.created")
        }
        router.register(ConferenceUpdate.self) { params, _ in
            guard
                var record = try await self.storeCall({ try await self.dialPlan.conferenceRooms() }).first(where: {
                    $0.name == params.name
                })
            else {
                throw RPCError.notFound(
                    "conference room \(params.name) has no settings (see vpbx conf list; vpbx conf add)")
            }
            Self.apply(params, to: &record)
            let changed = record
            try await self.storeCall { try await self.dialPlan.replace(changed) }
            return try await self.conferenceChanged(record, "conference.updated")
        }
        router.register(ConferenceDelete.self) { params, _ in
            guard try await self.storeCall({ try await self.dialPlan.deleteConferenceRoom(params.name) }) else {
                throw RPCError.notFound("conference room \(params.name) has no settings (see vpbx conf list)")
            }
            return try await self.conferenceChanged(ConferenceRoomRecord(name: params.name), "conference.deleted")
        }
    }

    private func conferenceChanged(_ record: ConferenceRoomRecord, _ event: String) async throws -> ConferenceInfo {
        try await reloadDialPlan()
        await publish("dialplan", event, ["name": .string(record.name)])
        return Self.conferenceInfo(
            record.name, record, room: conferences.list.first { $0.name == record.name }, showingPIN: true)
    }

    /// The given fields onto `record`: "" clears a PIN, 0 the limit. The store checks them.
    private static func apply(_ params: ConferenceParams, to record: inout ConferenceRoomRecord) {
        if let pin = params.pin { record.pin = pin.isEmpty ? nil : pin }
        if let limit = params.maximumParticipants { record.maximumParticipants = limit == 0 ? nil : limit }
        if let pin = params.leaderPIN { record.leaderPIN = pin.isEmpty ? nil : pin }
        if let wait = params.waitForLeader { record.waitForLeader = wait }
        if let end = params.endWithLeader { record.endWithLeader = end }
        if let recorded = params.recordCalls { record.recordCalls = recorded }
    }

    /// `room`: who is in it now; nil when nobody is.
    static func conferenceInfo(
        _ name: String, _ record: ConferenceRoomRecord?, room: ConferenceRooms.Room?, showingPIN: Bool
    ) -> ConferenceInfo {
        var info = ConferenceInfo(
            name: name, participants: room?.participants ?? [], hasPIN: record?.pin != nil,
            pin: showingPIN ? record?.pin : nil, maximumParticipants: record?.maximumParticipants)
        info.muted = room?.muted ?? []
        info.hasLeaderPIN = record?.leaderPIN != nil
        info.leaderPIN = showingPIN ? record?.leaderPIN : nil
        info.waitForLeader = record?.waitForLeader ?? false
        info.endWithLeader = record?.endWithLeader ?? false
        info.leaders = room?.leaders ?? []
        info.waiting = room?.waiting ?? []
        info.locked = room?.locked ?? false
        info.recordCalls = record?.recordCalls ?? false
        return info
    }

    /// The rooms' settings for the dial plan.
    func loadConferenceRooms() async throws -> [String: ConferenceRoomSettings] {
        Dictionary(
            uniqueKeysWithValues: try await storeCall { try await self.dialPlan.conferenceRooms() }.map {
                (
                    $0.name,
                    ConferenceRoomSettings(
                        pin: $0.pin, maximumParticipants: $0.maximumParticipants, leaderPIN: $0.leaderPIN,
                        waitForLeader: $0.waitForLeader, endWithLeader: $0.endWithLeader, recordCalls: $0.recordCalls)
                )
            })
    }
}
