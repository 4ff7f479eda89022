import Foundation
import Testing

@testable import VPBXControl

/// An object written member by member must be byte for byte what ``JSONValue``'s writer (and
/// so JSONEncoder) gives for the same object as a tree.
@Suite struct JSONObjectWriterTests {
    private func tree(_ value: JSONValue) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try value.writeJSON(to: &bytes)
        return bytes
    }

    @Test func everyKindOfMemberIsWrittenAsTheTreeWouldBe() throws {
        let started = Date(timeIntervalSince1970: 1_764_547_200.125)
        var writer = JSONObjectWriter()
        writer.bool("active", false)
        writer.int("count", -42)
        writer.strings("empty", [])
        writer.string("name", "Kovács \"Ödön\" \\ \u{1}\n😀")
        writer.string("nothing", ifPresent: nil)
        writer.strings("path", ["menu", "queue/sales"])
        writer.date("startedAt", started)
        writer.date("stoppedAt", ifPresent: nil)
        writer.string("zone", ifPresent: "hu")
        let expected: JSONValue = .object([
            "active": false, "count": -42, "empty": [], "name": .string("Kovács \"Ödön\" \\ \u{1}\n😀"),
            "path": ["menu", "queue/sales"], "startedAt": .string(RPCCoding.formatDate(started)), "zone": "hu",
        ])
        #expect(writer.finish() == (try tree(expected)))
    }

    @Test func anObjectWithNoMembersIsEmpty() throws {
        #expect(JSONObjectWriter().finish() == Array("{}".utf8))
    }

    @Test func anEncodedEventsLineCarriesItsDataAsWritten() throws {
        var writer = JSONObjectWriter()
        writer.string("extension", "1001")
        let data = writer.finish()
        let line = try RPCEventLine.line(seq: 9, topic: "registration", type: "registration.added") { $0.append(contentsOf: data) }
        let event = RPCEvent(seq: 9, topic: "registration", type: "registration.added", data: ["extension": "1001"])
        #expect(line == (try RPCEventLine.line(event)))
        #expect(try EncodedEvent(topic: "registration", type: "registration.added", data: data).decodedData() == event.data)
    }
}
