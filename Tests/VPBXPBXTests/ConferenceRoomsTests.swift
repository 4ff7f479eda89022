import Testing
import VPBXMedia

@testable import VPBXPBX

/// A moderator muting a participant (`conference.mute`), as the rooms keep it.
@Suite("Conference rooms: a moderator mutes")
struct ConferenceRoomsTests {
    @Test("muting by number: the list says so, the participant's own * unmutes from that state; unknown numbers and rooms are nil")
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
}
