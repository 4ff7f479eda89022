import Foundation
import Testing
import VPBXPBX
import VPBXSIP
import VPBXStore

@Suite("Registrar", .timeLimit(.minutes(1)))
struct RegistrarTests {
    let bob = Cast.bobDesk

    @Test("REGISTER is challenged, then accepted with the contact and its lifetime")
    func challengeThenAccept() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let request = bob.register(expires: 1800)
            pbx.send(request, from: bob)
            let challenge = try await pbx.outbound.response(401, .register, to: bob.address)
            let header = try #require(challenge.headers["WWW-Authenticate"])
            #expect(header.contains("realm=\"\(PBXHarness.realm)\""))

            pbx.send(try bob.authorized(request, answering: challenge), from: bob)
            let ok = try await pbx.outbound.response(200, .register, to: bob.address)
            let contacts = ok.headers.values("Contact")
            #expect(contacts.count == 1)
            let contact = try NameAddress(parsing: try #require(contacts.first))
            #expect(contact.uri.serialized == bob.contact)
            let expires = contact.parameters.value(named: "expires").flatMap { $0 }.flatMap { Int($0) }
            #expect((1795...1800).contains(try #require(expires)))
            // The time, for phones that set their clocks from it (RFC 3261 §10.3 step 8).
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let dateText = try #require(ok.headers["Date"])
            let date = try #require(formatter.date(from: dateText))
            #expect(abs(date.timeIntervalSinceNow) < 30)

            let bindings = await pbx.core.registrations(extension: bob.number)
            #expect(bindings.map(\.contactText) == [bob.contact])
            #expect(bindings.first?.source == bob.address)
        }
    }

    @Test("a wrong password gets 403")
    func wrongPassword() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let answer = try await pbx.register(bob, password: "not-the-password")
            #expect(answer.statusCode == 403)
            #expect(await pbx.core.registrations(extension: bob.number).isEmpty)
        }
    }

    @Test("an unknown extension is challenged and refused like a wrong password (no 404 to scanners)")
    func unknownExtension() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let stranger = Phone("999", at: "192.0.2.99")
            let answer = try await pbx.register(stranger)
            #expect(answer.statusCode == 403)
            #expect(pbx.outbound.distinctCount { $0.response?.statusCode == 404 } == 0)
        }
    }

    @Test("Expires below the minimum gets 423 with Min-Expires")
    func intervalTooBrief() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let answer = try await pbx.register(bob, expires: 10)
            #expect(answer.statusCode == 423)
            #expect(answer.headers["Min-Expires"] == "60")
            #expect(await pbx.core.registrations(extension: bob.number).isEmpty)
        }
    }

    @Test("a negative or unreadable expiry (header or contact parameter) gets 400 and binds nothing")
    func invalidExpiresIsRefused() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let negative = try await pbx.register(bob, expires: -60)
            #expect(negative.statusCode == 400 && negative.reason.contains("Expires"))
            let parameter = try await pbx.register(bob, expires: nil, contact: "<\(bob.contact)>;expires=-5")
            #expect(parameter.statusCode == 400)
            let words = try await pbx.register(bob, expires: nil, contact: "<\(bob.contact)>;expires=soon")
            #expect(words.statusCode == 400)
            #expect(await pbx.core.registrations(extension: bob.number).isEmpty)
            // A valid one still binds; zeros in front and a lifetime beyond 2^32 are still numbers.
            #expect(try await pbx.register(bob, expires: nil, contact: "<\(bob.contact)>;expires=00000000000120").statusCode == 200)
            let far = try await pbx.register(bob, expires: nil, contact: "<\(bob.contact)>;expires=99999999999999999999999")
            #expect(far.statusCode == 200)
            #expect(await pbx.core.registrations(extension: bob.number).count == 1)
        }
    }

    @Test("Expires 0 removes the binding, in memory and in the store")
    func unregisterOne() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let accepted = try await pbx.register(bob)
            #expect(accepted.statusCode == 200)
            try await pbx.register(Cast.bobSoft)
            try await eventually("both bindings stored") { try await pbx.registrations.list().count == 2 }

            let answer = try await pbx.register(bob, expires: 0)
            #expect(answer.statusCode == 200)
            #expect(answer.headers.values("Contact").count == 1)  // the soft phone's, still bound
            #expect(await pbx.core.registrations(extension: bob.number).map(\.contactText) == [Cast.bobSoft.contact])
            try await eventually("the binding removed from the store") {
                try await pbx.registrations.list().map(\.contactURI) == [Cast.bobSoft.contact]
            }
        }
    }

    /// RFC 3261 §10.3 step 7 compares contacts by §19.1.4's URI equality: a phone that writes
    /// its contact again with the parameters in another order (or the host in other letters)
    /// refreshes its binding rather than gaining a second one beside it.
    @Test("a contact registered again in another spelling refreshes its binding, and unregisters in a third")
    func contactsMatchByURIEquality() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let host = "\(bob.address.host):\(bob.address.port)"
            let first = "sip:\(bob.number)@\(host);transport=udp;line=abc"
            let second = "sip:\(bob.number)@\(host.uppercased());line=abc;transport=UDP"
            #expect(try await pbx.register(bob, contact: "<\(first)>").statusCode == 200)
            let again = try await pbx.register(bob, contact: "<\(second)>")
            #expect(again.statusCode == 200)
            #expect(again.headers.values("Contact").count == 1)
            #expect(await pbx.core.registrations(extension: bob.number).map(\.contactText) == [second])
            try await eventually("one row, in the new spelling") {
                try await pbx.registrations.list().map(\.contactURI) == [second]
            }

            let gone = try await pbx.register(bob, expires: 0, contact: "<sip:\(bob.number)@\(host);TRANSPORT=udp>")
            #expect(gone.statusCode == 200)
            #expect(await pbx.core.registrations(extension: bob.number).isEmpty)
            try await eventually("the row removed") { try await pbx.registrations.list().isEmpty }
        }
    }

    @Test("Contact * with Expires 0 removes every binding of the extension")
    func unregisterAll() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(bob)
            try await pbx.register(Cast.bobSoft)
            #expect(await pbx.core.registrations(extension: bob.number).count == 2)

            let answer = try await pbx.register(bob, expires: 0, contact: "*")
            #expect(answer.statusCode == 200)
            #expect(answer.headers.values("Contact").isEmpty)
            #expect(await pbx.core.registrations(extension: bob.number).isEmpty)
            try await eventually("the store emptied") { try await pbx.registrations.list().isEmpty }
        }
    }

    @Test("Contact * without Expires 0 is refused")
    func wildcardNeedsExpiresZero() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(bob)
            let answer = try await pbx.register(bob, expires: 60, contact: "*")
            #expect(answer.statusCode == 400)
            #expect(await pbx.core.registrations(extension: bob.number).count == 1)
        }
    }

    @Test("Contact * beside another contact is refused with 400 and removes nothing (RFC 3261 §10.3 step 6)")
    func wildcardMustStandAlone() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await pbx.register(bob)
            let answer = try await pbx.register(bob, expires: 0, contact: "*, <sip:\(bob.number)@192.0.2.99:5060>")
            #expect(answer.statusCode == 400)
            #expect(await pbx.core.registrations(extension: bob.number).count == 1)
        }
    }

    /// RFC 3261 §10.3: a REGISTER older than what a binding holds from the same Call-ID (a
    /// delayed retransmission, reordered over UDP) must not undo a newer one, whether it
    /// names the contact (step 7) or is a `*` unregister (step 6).
    @Test(
        "a delayed unregister older than the binding (same Call-ID, lower CSeq) gets 500 and removes nothing",
        arguments: [nil, "*"] as [String?])
    func outOfOrderUnregister(contact: String?) async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            let callID = "reg-order@phone"
            let newer = bob.register(expires: 3600, callID: callID, cseq: 10)
            pbx.send(newer, from: bob)
            let challenge = try await pbx.outbound.response(401, .register, to: bob.address)
            pbx.send(try bob.authorized(newer, answering: challenge), from: bob)  // CSeq 11
            _ = try await pbx.outbound.response(200, .register, to: bob.address)

            // A delayed unregister sent before it, with the same Call-ID.
            let older = bob.register(expires: 0, contact: contact, callID: callID, cseq: 5)
            pbx.send(older, from: bob)
            let again = try await pbx.outbound.next("the challenge of the older REGISTER") {
                $0.destination == bob.address && $0.response?.statusCode == 401 && (try? $0.message.headers.cseq())?.number == 5
            }.response!
            pbx.send(try bob.authorized(older, answering: again), from: bob)  // CSeq 6
            _ = try await pbx.outbound.response(500, .register, to: bob.address)
            #expect(await pbx.core.registrations(extension: bob.number).count == 1)
        }
    }
}
