import Foundation
import Testing
import VPBXControl

@testable import VPBXConsole

/// The model keeps the extensions' display order and each number's registrations as events
/// come, so a frame looks up only the rows it shows (a console of 20,000 extensions
/// behind a registration storm).
@Suite struct ConsoleModelIndexTests {
    @Test func extensionNumbersSortNumericallyThenAsNames() {
        let numbers = ["10", "2", "1001", "007", "7", "200", "recepció", "Anna", "99"]
        #expect(numbers.sorted(by: ExtensionOrder.precedes) == ["2", "7", "007", "10", "99", "200", "1001", "Anna", "recepció"])
        // Inserting one at a time lands where a full sort puts it.
        var kept: [String] = []
        for number in numbers.shuffled() {
            kept.insert(number, at: ExtensionOrder.insertionIndex(of: number, in: kept))
        }
        #expect(kept == numbers.sorted(by: ExtensionOrder.precedes))
    }

    @Test func theOrderFollowsExtensionsCreatedAndDeleted() {
        var model = Fixtures.model()
        #expect(model.extensionNumbers == ["1001", "1002", "1003"])
        model.upsert(ExtensionInfo(number: "999", name: "Porta", kind: .desk))
        model.upsert(ExtensionInfo(number: "1500", name: "Raktár", kind: .desk))
        // An update keeps one entry.
        model.upsert(ExtensionInfo(number: "1002", name: "Szabó E.", kind: .desk))
        #expect(model.extensionNumbers == ["999", "1001", "1002", "1003", "1500"])
        let deleted = RPCEvent(seq: 11, topic: "extension", type: "extension.deleted", data: ["number": "1001"])
        #expect(model.apply(deleted) == .changed)
        #expect(model.apply(deleted) == .unchanged)
        #expect(model.extensionNumbers == ["999", "1002", "1003", "1500"])
        #expect(model.extensionNumbers.allSatisfy { model.extensions[$0] != nil } && model.extensions.count == 4)
    }

    @Test func aNumbersPhonesFollowRegistrationEvents() {
        var model = Fixtures.model()
        let now = Fixtures.now
        #expect(model.liveRegistrations(of: "1001", now: now).count == 1)
        let second = Fixtures.registrationEvent(11, "registration.added", "1001", contact: "sip:1001@10.0.0.9")
        #expect(model.apply(second) == .changed)
        #expect(model.apply(second) == .unchanged)
        #expect(model.liveRegistrations(of: "1001", now: now).count == 2)
        #expect(model.liveRegistrations(of: "1002", now: now).count == 1)
        let gone = Fixtures.registrationEvent(12, "registration.removed", "1001", contact: "sip:1001@10.0.0.9")
        #expect(model.apply(gone) == .changed)
        #expect(model.liveRegistrations(of: "1001", now: now).map(\.contact) == [Fixtures.registration("1001").contact])
        // Expired ones are not live, though still known until the engine removes them.
        #expect(model.liveRegistrations(of: "1001", now: now + 301).isEmpty)
        #expect(model.liveRegistrations(of: "1003", now: now).isEmpty)
    }
}
