import Foundation
import Synchronization
import Testing
import VPBXPBX
import VPBXSIP
import VPBXStore

/// `--max-contacts`: how many contacts one extension may have registered at once.
@Suite("Registrar: contact limit", .timeLimit(.minutes(1)))
struct ContactLimitTests {
    let bob = Cast.bobDesk

    static var limitedToTwo: PBXConfiguration {
        var configuration = PBXHarness.configuration
        configuration.maximumContactsPerExtension = 2
        return configuration
    }

    static func contact(_ port: Int) -> String { "<sip:101@192.0.2.21:\(port)>" }

    @Test("a third contact replaces the one that expires soonest, in memory and in the store, and says so in an event")
    func replacesSoonestExpiring() async throws {
        let events = EventRecorder()
        try await PBXHarness.run(Cast.everyone, configuration: Self.limitedToTwo, events: events.record) { pbx in
            #expect(try await pbx.register(bob, expires: 600, contact: Self.contact(5071)).statusCode == 200)
            #expect(try await pbx.register(bob, expires: 3600, contact: Self.contact(5072)).statusCode == 200)
            let third = try await pbx.register(bob, expires: 3600, contact: Self.contact(5073))
            #expect(third.statusCode == 200)
            #expect(third.headers.values("Contact").count == 2)
            let left = await pbx.core.registrations(extension: bob.number).map(\.contactText).sorted()
            #expect(left == ["sip:101@192.0.2.21:5072", "sip:101@192.0.2.21:5073"])
            try await eventually("the replaced contact removed from the store") {
                try await pbx.registrations.list().map(\.contactURI).sorted() == left
            }
            #expect(events.removals.contains { $0.contact == "sip:101@192.0.2.21:5071" && $0.reason == "replaced" })
        }
    }

    @Test("re-registering a contact it has does not count against the limit")
    func refreshIsNotAnotherContact() async throws {
        try await PBXHarness.run(Cast.everyone, configuration: Self.limitedToTwo) { pbx in
            _ = try await pbx.register(bob, contact: Self.contact(5071))
            _ = try await pbx.register(bob, contact: Self.contact(5072))
            #expect(try await pbx.register(bob, contact: Self.contact(5071)).statusCode == 200)
            #expect(await pbx.core.registrations(extension: bob.number).count == 2)
        }
    }

    @Test("one REGISTER naming more contacts than the limit is refused and changes nothing")
    func tooManyInOneRequest() async throws {
        try await PBXHarness.run(Cast.everyone, configuration: Self.limitedToTwo) { pbx in
            _ = try await pbx.register(bob, contact: Self.contact(5071))
            let answer = try await pbx.register(
                bob, contact: [5072, 5073, 5074].map(Self.contact).joined(separator: ", "))
            #expect(answer.statusCode == 403)
            #expect(answer.reason == "Too Many Contacts")
            #expect(await pbx.core.registrations(extension: bob.number).map(\.contactText) == ["sip:101@192.0.2.21:5071"])
        }
    }
}

/// The registrations removed, as the core reported them.
final class EventRecorder: Sendable {
    private let events = Mutex<[PBXEvent]>([])
    func record(_ event: PBXEvent) { events.withLock { $0.append(event) } }
    var all: [PBXEvent] { events.withLock { $0 } }
    var removals: [(contact: String, reason: String)] {
        events.withLock { events in
            events.compactMap { event in
                if case .registrationRemoved(_, let contact, let reason) = event { return (contact, reason) }
                return nil
            }
        }
    }
}
