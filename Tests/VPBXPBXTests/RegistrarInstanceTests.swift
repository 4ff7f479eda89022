import Foundation
import Testing
import VPBXSIP

@testable import VPBXPBX

/// RFC 5626 §6: a Contact carrying `+sip.instance` binds the device (and its flow's `reg-id`),
/// not the Contact URI, so a phone back from a new address replaces its binding.
@Suite("Registrar: device instances", .timeLimit(.minutes(1)))
struct RegistrarInstanceTests {
    let bob = Cast.bobDesk
    static let instance = "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"

    func contact(_ host: String, instance: String? = Self.instance, regID: Int? = nil) -> String {
        var text = "<sip:\(bob.number)@\(host)>"
        if let instance { text += ";+sip.instance=\"<\(instance)>\"" }
        if let regID { text += ";reg-id=\(regID)" }
        return text
    }

    @Test("a device registering from a new address under its instance replaces its binding; the 200 names the instance")
    func newAddressReplacesTheBinding() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            #expect(try await pbx.register(bob, contact: contact("192.0.2.10:5060")).statusCode == 200)
            // The same UUID in capitals: RFC 4122 compares them case-insensitively.
            let moved = try await pbx.register(bob, contact: contact("198.51.100.20:40000", instance: Self.instance.uppercased()))
            #expect(moved.statusCode == 200)
            let listed = moved.headers.values("Contact")
            #expect(listed.count == 1)
            #expect(listed.first?.hasPrefix("<sip:\(bob.number)@198.51.100.20:40000>;expires=") == true)
            #expect(listed.first?.hasSuffix(";+sip.instance=\"<\(Self.instance)>\"") == true, "\(listed)")
            let now = await pbx.core.registrations(extension: bob.number).map(\.contactText)
            #expect(now == ["sip:\(bob.number)@198.51.100.20:40000"])
            try await eventually("one row, the new address, with its instance") {
                try await pbx.registrations.list().map { "\($0.contactURI) \($0.instanceID ?? "-")" }
                    == ["sip:\(bob.number)@198.51.100.20:40000 <\(Self.instance)>"]
            }

            // An unregister names the device, whatever its Contact.
            let gone = try await pbx.register(bob, expires: 0, contact: contact("203.0.113.5:5060"))
            #expect(gone.statusCode == 200)
            #expect(gone.headers.values("Contact").isEmpty)
            #expect(await pbx.core.registrations(extension: bob.number).isEmpty)
            try await eventually("the row removed") { try await pbx.registrations.list().isEmpty }
        }
    }

    @Test("two flows of one device (reg-id 1 and 2) are two bindings; a flow re-registered moves only itself")
    func flowsAreSeparateBindings() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            #expect(try await pbx.register(bob, contact: contact("192.0.2.10:5060", regID: 1)).statusCode == 200)
            #expect(try await pbx.register(bob, contact: contact("192.0.2.10:5062", regID: 2)).statusCode == 200)
            let moved = try await pbx.register(bob, contact: contact("198.51.100.20:40000", regID: 1))
            #expect(moved.headers.values("Contact").count == 2)
            let now = await pbx.core.registrations(extension: bob.number).map(\.contactText)
            #expect(now == ["sip:\(bob.number)@192.0.2.10:5062", "sip:\(bob.number)@198.51.100.20:40000"])
            let flows = try await eventually("the rows with their reg-ids") {
                let rows = try await pbx.registrations.list()
                return rows.count == 2 ? rows.map { $0.registrationID ?? 0 }.sorted() : nil
            }
            #expect(flows == [1, 2])
        }
    }

    @Test("contacts without an instance, or of another device, stay apart")
    func otherDevicesStayApart() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let other = "urn:uuid:00000000-0000-1000-8000-000000000002"
            let statuses = [
                try await pbx.register(bob, contact: contact("192.0.2.10:5060")).statusCode,
                try await pbx.register(bob, contact: contact("192.0.2.11:5060", instance: other)).statusCode,
                try await pbx.register(bob, contact: contact("192.0.2.12:5060", instance: nil)).statusCode,
                // Not a URN: ignored, so this is a contact of its own.
                try await pbx.register(bob, contact: contact("192.0.2.13:5060", instance: "f81d4fae")).statusCode,
            ]
            #expect(statuses == [200, 200, 200, 200] as [Int])
            let count = await pbx.core.registrations(extension: bob.number).count
            #expect(count == 4)
        }
    }

    @Test("two Contacts of one device in one REGISTER are refused with 400 and change nothing")
    func duplicateInstanceRefused() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            #expect(try await pbx.register(bob, contact: contact("192.0.2.10:5060")).statusCode == 200)
            let both = "\(contact("192.0.2.10:5060"));expires=0, \(contact("198.51.100.20:40000"))"
            let answer = try await pbx.register(bob, contact: both)
            #expect(answer.statusCode == 400)
            #expect(answer.reason == "Duplicate Instance")
            let now = await pbx.core.registrations(extension: bob.number).map(\.contactText)
            #expect(now == ["sip:\(bob.number)@192.0.2.10:5060"])
        }
    }

    @Test("a device that adds its instance to a contact registered without one keeps one binding")
    func instanceAddedToAnOldContact() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let without = try await pbx.register(bob, contact: contact("192.0.2.10:5060", instance: nil))
            let with = try await pbx.register(bob, contact: contact("192.0.2.10:5060"))
            #expect([without.statusCode, with.statusCode] == [200, 200] as [Int])
            #expect(with.headers.values("Contact").count == 1)
            let now = await pbx.core.registrations(extension: bob.number)
            #expect(now.map(\.contactText) == ["sip:\(bob.number)@192.0.2.10:5060"])
            #expect(now.first?.instance?.urn == Self.instance)
        }
    }

    @Test("a contact that matches one binding by its URI and another by its instance merges them into one")
    func oneRegisterMatchingTwoBindings() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let byInstance = try await pbx.register(bob, contact: contact("192.0.2.10:5060"))
            let byURI = try await pbx.register(bob, contact: contact("192.0.2.11:5060", instance: nil))
            let both = try await pbx.register(bob, contact: contact("192.0.2.11:5060"))
            #expect([byInstance.statusCode, byURI.statusCode, both.statusCode] == [200, 200, 200] as [Int])
            #expect(both.headers.values("Contact").count == 1)
            let now = await pbx.core.registrations(extension: bob.number)
            #expect(now.map(\.contactText) == ["sip:\(bob.number)@192.0.2.11:5060"])
            #expect(now.first?.instance?.urn == Self.instance)
            try await eventually("one row") { try await pbx.registrations.list().count == 1 }
        }
    }
}

@Suite("Device instance")
struct DeviceInstanceTests {
    func instance(_ parameters: String) throws -> DeviceInstance? {
        DeviceInstance(contact: try NameAddress(parsing: "<sip:201@192.0.2.1>\(parameters)"))
    }

    @Test func readsTheQuotedURNAndItsFlow() throws {
        let read = try #require(try instance(";+sip.instance=\"<urn:uuid:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6>\";reg-id=2"))
        #expect(read.urn == "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6")
        #expect(read.registrationID == 2)
        #expect(read.contactParameters == ";+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";reg-id=2")
        #expect(DeviceInstance(stored: read.text, registrationID: 2) == read)
    }

    @Test(arguments: [
        "", ";+sip.instance", ";+sip.instance=\"<>\"", ";+sip.instance=\"<urn:>\"", ";+sip.instance=\"f81d4fae\"",
        ";+sip.instance=\"<http://example.com>\"", ";reg-id=1",
    ])
    func noInstance(parameters: String) throws {
        #expect(try instance(parameters) == nil)
    }

    @Test(arguments: [("1", 1), ("2147483647", 2_147_483_647), ("0", nil), ("2147483648", nil), ("x", nil), ("-1", nil)] as [(String, Int?)])
    func flowNumbers(text: String, expected: Int?) throws {
        #expect(try instance(";+sip.instance=\"<urn:uuid:1>\";reg-id=\(text)")?.registrationID == expected)
    }

    @Test func unquotedInstanceStillReads() throws {
        #expect(try instance(";+sip.instance=<urn:uuid:1>")?.urn == "urn:uuid:1")
    }
}
