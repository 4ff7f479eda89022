import Synchronization
import Testing
import VPBXMedia

@testable import VPBXPBX

/// A moderator muting a participant (`conference.mute`), as the rooms keep it.
@Suite("Conference rooms: a moderator mutes; leaders")
struct ConferenceRoomsTests {
    @Test(
        "muting by number: the list says so, the participant's own * unmutes from that state; unknown numbers and rooms are nil"
    )
    func moderatorMutes() throws {
        let rooms = ConferenceRooms()
        let first = try #require(rooms.join("team", caller: "1001"))
        let second = try #require(rooms.join("team", caller: "1002"))
        #expect(rooms.list == [ConferenceRooms.Room(name: "team", participants: ["1001", "1002"], muted: [])])

        let room = rooms.setMuted(true, caller: "1001", in: "team")
        #expect(room?.muted == ["1001"] && room?.participants == ["1001", "1002"])
        #expect(first.isMuted && !second.isMuted)
        #expect(rooms.list.first?.muted == ["1001"])
        // Nobody hears it: what it says reaches the other participant's frames no more.
        _ = second.nextFrame()  // the join cue's first frame
        for _ in 0..<20 { _ = second.nextFrame() }
        first.deliver([Int16](repeating: 1000, count: 160))
        #expect(second.nextFrame().allSatisfy { $0 == 0 })

        #expect(rooms.setMuted(true, caller: "1009", in: "team") == nil)
        #expect(rooms.setMuted(true, caller: "1001", in: "sales") == nil)
        #expect(rooms.setMuted(false, caller: "1001", in: "team")?.muted == [])
        first.deliver([Int16](repeating: 1000, count: 160))
        #expect(second.nextFrame().contains { $0 != 0 })

        rooms.leave("team", first)
        rooms.leave("team", second)
        #expect(rooms.list.isEmpty)
    }

    @Test(
        "muting everyone mutes who leads nothing, leaders keep talking; unmuting everyone undoes it; an empty room is nil"
    )
    func moderatorMutesEveryone() throws {
        let rooms = ConferenceRooms()
        let settings = ConferenceRoomSettings(leaderPIN: "90210")
        guard case .joined(let boss) = rooms.admit("board", caller: "1009", asLeader: true, settings: settings),
            case .joined(let anna) = rooms.admit("board", caller: "1001", settings: settings),
            case .joined(let bela) = rooms.admit("board", caller: "1002", settings: settings)
        else { throw NotAdmitted(admission: "one of three") }
        let muted = rooms.setMutedEveryone(true, in: "board")
        #expect(muted?.muted == ["1001", "1002"] && !boss.isMuted && anna.isMuted && bela.isMuted)
        #expect(rooms.setMutedEveryone(false, in: "board")?.muted == [] && !anna.isMuted && !bela.isMuted)
        #expect(rooms.setMutedEveryone(true, in: "sales") == nil)
    }

    /// A port from an admission that must have let the caller in.
    private func joined(_ admission: ConferenceRooms.Admission) throws -> ConferencePort {
        guard case .joined(let port) = admission else { throw NotAdmitted(admission: "\(admission)") }
        return port
    }

    private struct NotAdmitted: Error {
        let admission: String
    }

    @Test(
        "a room that waits for its leader: callers wait until a leader comes, wait again when the last leaves; the list says who"
    )
    func callersWaitForTheLeader() throws {
        let rooms = ConferenceRooms()
        let settings = ConferenceRoomSettings(leaderPIN: "90210", waitForLeader: true)
        let anna = try joined(rooms.admit("board", caller: "1001", settings: settings))
        let bela = try joined(rooms.admit("board", caller: "1002", settings: settings))
        #expect(anna.isWaiting && bela.isWaiting)
        #expect(rooms.list.first?.waiting == ["1001", "1002"] && rooms.list.first?.leaders == [])
        let boss = try joined(rooms.admit("board", caller: "1009", asLeader: true, settings: settings))
        #expect(!anna.isWaiting && !bela.isWaiting && !boss.isWaiting)
        #expect(rooms.list.first?.leaders == ["1009"] && rooms.list.first?.waiting == [])
        let late = try joined(rooms.admit("board", caller: "1003", settings: settings))
        #expect(!late.isWaiting, "a leader is in: no waiting")
        rooms.leave("board", boss)
        #expect(anna.isWaiting && bela.isWaiting && late.isWaiting, "the last leader gone: waiting again")
        // An open room (no such setting) never holds anybody apart.
        let open = try joined(rooms.admit("open", caller: "1001"))
        #expect(!open.isWaiting)
    }

    @Test("a room that ends with its leader tells the others once the last leader leaves, not before")
    func theRoomEndsWithItsLastLeader() throws {
        let rooms = ConferenceRooms()
        let settings = ConferenceRoomSettings(leaderPIN: "90210", endWithLeader: true)
        let told = Mutex<[String]>([])
        let member = try joined(
            rooms.admit("board", caller: "1002", settings: settings, ended: { told.withLock { $0.append("1002") } }))
        let first = try joined(
            rooms.admit(
                "board", caller: "1001", asLeader: true, settings: settings,
                ended: { told.withLock { $0.append("1001") } }))
        let second = try joined(
            rooms.admit(
                "board", caller: "1009", asLeader: true, settings: settings,
                ended: { told.withLock { $0.append("1009") } }))
        #expect(!member.isWaiting)
        rooms.leave("board", first)
        #expect(told.withLock { $0 } == [], "another leader is still in")
        rooms.leave("board", second)
        #expect(told.withLock { $0 } == ["1002"], "only those who are no leaders are told")
        rooms.leave("board", member)
        #expect(rooms.list.isEmpty)
    }

    @Test(
        "a leader locks the room (others refused, leaders still in) and mutes the others, or unmutes them all; a member cannot"
    )
    func leaderLocksAndMutes() throws {
        let rooms = ConferenceRooms()
        let settings = ConferenceRoomSettings(leaderPIN: "90210")
        let boss = try joined(rooms.admit("board", caller: "1009", asLeader: true, settings: settings))
        let anna = try joined(rooms.admit("board", caller: "1001", settings: settings))
        let bela = try joined(rooms.admit("board", caller: "1002", settings: settings))
        #expect(rooms.toggleLocked(by: anna, in: "board") == nil, "a member's 2 does nothing")
        #expect(rooms.toggleLocked(by: boss, in: "board") == true)
        #expect(rooms.list.first?.locked == true)
        guard case .locked = rooms.admit("board", caller: "1003", settings: settings) else {
            Issue.record("a locked room let a member in")
            return
        }
        let deputy = try joined(rooms.admit("board", caller: "1008", asLeader: true, settings: settings))

        bela.setMuted(true)
        #expect(rooms.toggleOthersMuted(by: boss, in: "board") == true, "not all muted yet: mute them all")
        #expect(anna.isMuted && bela.isMuted && !boss.isMuted && !deputy.isMuted, "leaders are not muted")
        #expect(rooms.toggleOthersMuted(by: boss, in: "board") == false, "all muted: unmute them all")
        #expect(!anna.isMuted && !bela.isMuted)
        #expect(rooms.toggleOthersMuted(by: anna, in: "board") == nil)

        rooms.leave("board", boss)
        #expect(rooms.list.first?.locked == true, "a leader is still in")
        rooms.leave("board", deputy)
        #expect(rooms.list.first?.locked == false, "the last leader gone: unlocked")
        _ = try joined(rooms.admit("board", caller: "1003", settings: settings))

        // A supervisor's lock from outside the room, in a room without leaders.
        #expect(rooms.setLocked(true, in: "board")?.locked == true)
        guard case .locked = rooms.admit("board", caller: "1004", settings: settings) else {
            Issue.record("a room locked by a supervisor let a caller in")
            return
        }
        #expect(rooms.setLocked(false, in: "board")?.locked == false)
        _ = try joined(rooms.admit("board", caller: "1004", settings: settings))
        #expect(rooms.setLocked(true, in: "nobody-here") == nil)
    }

    @Test(
        "a leader's 3 removes the member who came in last (told once), then the one before; never a leader; a member's 3 does nothing"
    )
    func leaderRemovesTheLastMember() throws {
        let rooms = ConferenceRooms()
        let settings = ConferenceRoomSettings(leaderPIN: "90210")
        let told = Mutex<[String]>([])
        func admit(_ caller: String, leader: Bool = false) throws -> ConferencePort {
            try joined(
                rooms.admit(
                    "board", caller: caller, asLeader: leader, settings: settings,
                    ended: { told.withLock { $0.append(caller) } }))
        }
        let anna = try admit("1001")
        let boss = try admit("1009", leader: true)
        let bela = try admit("1002")
        let deputy = try admit("1008", leader: true)
        #expect(rooms.removeLast(by: anna, in: "board") == nil, "a member's 3 does nothing")
        #expect(rooms.removeLast(by: boss, in: "board") == "1002", "the last member, not the deputy who came after")
        #expect(told.withLock { $0 } == ["1002"])
        #expect(rooms.wasRemoved(bela, from: "board") && !rooms.wasRemoved(anna, from: "board"))
        // Until its application leaves, the removed member is not removed again.
        #expect(rooms.removeLast(by: deputy, in: "board") == "1001")
        rooms.leave("board", bela)
        rooms.leave("board", anna)
        #expect(rooms.removeLast(by: boss, in: "board") == nil, "only leaders left")
        #expect(told.withLock { $0 } == ["1002", "1001"])
        #expect(rooms.list.first?.participants == ["1009", "1008"])
    }
}
