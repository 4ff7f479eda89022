import Foundation
import Testing
import VPBXStore

/// The dial plan contract, run against every backend.
@Suite("DialPlanRepository contract")
struct DialPlanRepositoryContractTests {
    @Test(arguments: StoreBackend.allCases)
    func routesInDialPlanOrder(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            for number in ["1000", "100", "99"] {
                try await repos.dialPlan.create(RouteRecord(number: number, destination: "ext:1001"))
            }
            #expect(try await repos.dialPlan.routes().map(\.number) == ["99", "100", "1000"])
            let twice = await #expect(throws: StoreError.self) {
                try await repos.dialPlan.create(RouteRecord(number: "100", destination: "hangup"))
            }
            #expect(twice?.kind == .conflict)
            let bad = await #expect(throws: StoreError.self) {
                try await repos.dialPlan.create(RouteRecord(number: "1a", destination: "hangup"))
            }
            #expect(bad?.kind == .invalidArgument)
            #expect(try await repos.dialPlan.deleteRoute("100"))
            #expect(try await repos.dialPlan.deleteRoute("100") == false)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func didRoutesAreKeptInE164(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            try await repos.dialPlan.create(RouteRecord(number: "+3612345600", destination: "ivr:main"))
            #expect(try await repos.dialPlan.routes().map(\.number) == ["+3612345600"])
            for number in ["+0612345600", "+36 1 234", "+"] {
                let bad = await #expect(throws: StoreError.self) {
                    try await repos.dialPlan.create(RouteRecord(number: number, destination: "hangup"))
                }
                #expect(bad?.kind == .invalidArgument, "\(number)")
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func trunksInPriorityOrderWithTheirSettings(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let main = TrunkRecord(
                name: "telekom", host: "sip.example.hu", username: "office", password: "s3cret",
                callerID: "+3612345600", numberFormat: "national", inboundDestination: "ivr:main", priority: 2,
                register: true, qualifySeconds: 60, passCallerID: true)
            let backup = TrunkRecord(name: "backup", host: "192.0.2.7", port: 5070, transport: "tcp", priority: 5)
            let gateway = TrunkRecord(name: "gateway", host: "2001:db8::5", outbound: false, priority: 1)
            for trunk in [backup, main, gateway] { try await repos.dialPlan.create(trunk) }
            #expect(try await repos.dialPlan.trunks() == [gateway, main, backup])
            let twice = await #expect(throws: StoreError.self) { try await repos.dialPlan.create(main) }
            #expect(twice?.kind == .conflict)

            var changed = main
            changed.password = nil
            changed.username = nil
            changed.register = false
            try await repos.dialPlan.replace(changed)
            #expect(try await repos.dialPlan.trunks().first { $0.name == "telekom" } == changed)
            let missing = await #expect(throws: StoreError.self) {
                try await repos.dialPlan.replace(TrunkRecord(name: "nobody", host: "192.0.2.9"))
            }
            #expect(missing?.kind == .notFound)
            #expect(try await repos.dialPlan.deleteTrunk("backup"))
            #expect(try await repos.dialPlan.deleteTrunk("backup") == false)
        }
    }

    @Test(arguments: [
        TrunkRecord(name: "Bad Name", host: "sip.example.hu"),
        TrunkRecord(name: "t", host: "sip example"),
        TrunkRecord(name: "t", host: "sip.example.hu", port: 0),
        TrunkRecord(name: "t", host: "sip.example.hu", transport: "sctp"),
        TrunkRecord(name: "t", host: "sip.example.hu", numberFormat: "local"),
        TrunkRecord(name: "t", host: "sip.example.hu", password: "x"),
        TrunkRecord(name: "t", host: "sip.example.hu", register: true),
        TrunkRecord(name: "t", host: "sip.example.hu", callerID: "0612345600"),
        TrunkRecord(name: "t", host: "sip.example.hu", priority: 100),
        TrunkRecord(name: "t", host: "sip.example.hu", qualifySeconds: 5),
    ])
    func badTrunksAreRefused(trunk: TrunkRecord) async throws {
        try await StoreBackend.sqliteMemory.withRepositories { repos in
            let error = await #expect(throws: StoreError.self) { try await repos.dialPlan.create(trunk) }
            #expect(error?.kind == .invalidArgument, "\(trunk)")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func outboundRoutesByNameWithTheirLists(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let mobiles = OutboundRouteRecord(
                name: "mobiles", prefixes: ["+3620", "+3630", "+3670"], trunks: ["mobilgw", "telekom"])
            let agents = OutboundRouteRecord(
                name: "agents", prefixes: ["+"], trunks: ["callcenter"], callers: ["2000-2099", "1005"],
                schedule: "office", scheduleState: .closed, callerID: "+3612345699", prepend: "#1088")
            for route in [mobiles, agents] { try await repos.dialPlan.create(route) }
            // The lists come back in the order written: trunks are tried in it.
            #expect(try await repos.dialPlan.outboundRoutes() == [agents, mobiles])
            let twice = await #expect(throws: StoreError.self) { try await repos.dialPlan.create(agents) }
            #expect(twice?.kind == .conflict)
            var changed = mobiles
            changed.trunks = ["telekom", "mobilgw"]
            changed.callers = ["1001"]
            changed.schedule = "office"
            changed.prepend = "*9"
            try await repos.dialPlan.replace(changed)
            #expect(try await repos.dialPlan.outboundRoutes().last == changed)
            let missing = await #expect(throws: StoreError.self) {
                try await repos.dialPlan.replace(OutboundRouteRecord(name: "nobody", prefixes: ["+"], trunks: ["t"]))
            }
            #expect(missing?.kind == .notFound)
            #expect(try await repos.dialPlan.deleteOutboundRoute("agents"))
            #expect(try await repos.dialPlan.deleteOutboundRoute("agents") == false)
            #expect(try await repos.dialPlan.outboundRoutes() == [changed])
        }
    }

    @Test(arguments: [
        OutboundRouteRecord(name: "Mobiles", prefixes: ["+3630"], trunks: ["t"]),
        OutboundRouteRecord(name: "m", prefixes: [], trunks: ["t"]),
        OutboundRouteRecord(name: "m", prefixes: ["06 30"], trunks: ["t"]),
        OutboundRouteRecord(name: "m", prefixes: [""], trunks: ["t"]),
        OutboundRouteRecord(name: "m", prefixes: ["+1234567890123456"], trunks: ["t"]),
        OutboundRouteRecord(name: "m", prefixes: ["+3630"], trunks: []),
        OutboundRouteRecord(name: "m", prefixes: ["+3630"], trunks: ["t", "t"]),
        OutboundRouteRecord(name: "m", prefixes: ["+3630"], trunks: ["Telekom"]),
        OutboundRouteRecord(name: "m", prefixes: ["+3630"], trunks: ["t"], callers: ["1"]),
        OutboundRouteRecord(name: "m", prefixes: ["+3630"], trunks: ["t"], callers: ["2099-2000"]),
        OutboundRouteRecord(name: "m", prefixes: ["+3630"], trunks: ["t"], callers: ["200-2099"]),
        OutboundRouteRecord(name: "m", prefixes: ["+3630"], trunks: ["t"], callers: ["20-30-40"]),
        OutboundRouteRecord(name: "m", prefixes: ["+3630"], trunks: ["t"], schedule: "Office"),
        OutboundRouteRecord(name: "m", prefixes: ["+3630"], trunks: ["t"], callerID: "06 1 234 5678"),
        OutboundRouteRecord(name: "m", prefixes: ["+3630"], trunks: ["t"], prepend: "10a"),
        OutboundRouteRecord(name: "m", prefixes: ["+3630"], trunks: ["t"], prepend: "+36"),
        OutboundRouteRecord(name: "m", prefixes: ["+3630"], trunks: ["t"], prepend: "12345678901"),
    ])
    func badOutboundRoutesAreRefused(route: OutboundRouteRecord) async throws {
        try await StoreBackend.sqliteMemory.withRepositories { repos in
            let error = await #expect(throws: StoreError.self) { try await repos.dialPlan.create(route) }
            #expect(error?.kind == .invalidArgument, "\(route)")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func conferenceRoomsWithTheirPINAndLimit(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let board = ConferenceRoomRecord(
                name: "board", pin: "4711", maximumParticipants: 8, leaderPIN: "90210", waitForLeader: true,
                endWithLeader: true)
            let team = ConferenceRoomRecord(name: "team", maximumParticipants: 20)
            for room in [team, board] { try await repos.dialPlan.create(room) }
            #expect(try await repos.dialPlan.conferenceRooms() == [board, team])
            let twice = await #expect(throws: StoreError.self) { try await repos.dialPlan.create(board) }
            #expect(twice?.kind == .conflict)
            var open = board
            open.pin = nil
            try await repos.dialPlan.replace(open)
            #expect(try await repos.dialPlan.conferenceRooms().first == open)
            let missing = await #expect(throws: StoreError.self) {
                try await repos.dialPlan.replace(ConferenceRoomRecord(name: "nobody"))
            }
            #expect(missing?.kind == .notFound)
            #expect(try await repos.dialPlan.deleteConferenceRoom("team"))
            #expect(try await repos.dialPlan.deleteConferenceRoom("team") == false)
        }
    }

    @Test(arguments: [
        ConferenceRoomRecord(name: "Board Room"), ConferenceRoomRecord(name: "b", pin: "123"),
        ConferenceRoomRecord(name: "b", pin: "12a4"), ConferenceRoomRecord(name: "b", pin: "1234567890123"),
        ConferenceRoomRecord(name: "b", maximumParticipants: 1),
        ConferenceRoomRecord(name: "b", maximumParticipants: 501),
        ConferenceRoomRecord(name: "b", leaderPIN: "12"),
        ConferenceRoomRecord(name: "b", pin: "4711", leaderPIN: "4711"),
        ConferenceRoomRecord(name: "b", waitForLeader: true), ConferenceRoomRecord(name: "b", endWithLeader: true),
    ])
    func badConferenceRoomsAreRefused(room: ConferenceRoomRecord) async throws {
        try await StoreBackend.sqliteMemory.withRepositories { repos in
            let error = await #expect(throws: StoreError.self) { try await repos.dialPlan.create(room) }
            #expect(error?.kind == .invalidArgument, "\(room)")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func timeConditionsNeedTheirSchedule(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            let condition = TimeConditionRecord(
                name: "daytime", schedule: "office", openDestination: "ext:1001", closedDestination: "hangup")
            let orphan = await #expect(throws: StoreError.self) { try await repos.dialPlan.create(condition) }
            #expect(orphan?.kind == .notFound)
            #expect(orphan?.message == "schedule office not found")

            _ = try await repos.schedules.create(ScheduleRecord(name: "office", weekly: "mon-fri 08:00-17:00"))
            try await repos.dialPlan.create(condition)
            #expect(try await repos.dialPlan.timeConditions() == [condition])

            var changed = condition
            changed.closedDestination = "ext:1002"
            try await repos.dialPlan.replace(changed)
            #expect(try await repos.dialPlan.timeConditions() == [changed])

            // The schedule is in use: it cannot go.
            await #expect(throws: StoreError.self) { try await repos.schedules.delete("office") }
            #expect(try await repos.schedules.get("office") != nil)

            #expect(try await repos.dialPlan.deleteTimeCondition("daytime"))
            #expect(try await repos.schedules.delete("office"))
            let missing = await #expect(throws: StoreError.self) { try await repos.dialPlan.replace(changed) }
            #expect(missing?.kind == .notFound)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func numberingIsOneRowForTheExchange(backend: StoreBackend) async throws {
        try await backend.withRepositories { repos in
            #expect(try await repos.dialPlan.numbering() == NumberingRecord())
            let budapest = NumberingRecord(areaCode: "1", outsidePrefix: "0")
            try await repos.dialPlan.setNumbering(budapest)
            #expect(try await repos.dialPlan.numbering() == budapest)
            let szeged = NumberingRecord(areaCode: "62")
            try await repos.dialPlan.setNumbering(szeged)
            #expect(try await repos.dialPlan.numbering() == szeged, "replaced, not added")
            for bad in [NumberingRecord(areaCode: "30"), NumberingRecord(outsidePrefix: "*9")] {
                let refused = await #expect(throws: StoreError.self) { try await repos.dialPlan.setNumbering(bad) }
                #expect(refused?.kind == .invalidArgument)
            }
            #expect(try await repos.dialPlan.numbering() == szeged, "a refused change keeps the settings")
        }
    }
}
