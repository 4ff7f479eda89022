import Foundation
import Testing
import VPBXPBX
import VPBXSIP
import VPBXStore

/// Contact checks (`qualifySeconds`, Asterisk's qualify): OPTIONS to each contact, reachable
/// on any answer, unreachable (and not rung) without one.
@Suite("Registrar: contact checks", .timeLimit(.minutes(1)))
struct ContactQualifyTests {
    let alice = Cast.alice
    let desk = Cast.bobDesk

    /// Checks answered within 300 ms, so a silent contact is found out quickly.
    static var quickChecks: PBXConfiguration {
        var configuration = PBXHarness.configuration
        configuration.contactCheckTimeout = .milliseconds(300)
        return configuration
    }

    private func checkEvery(_ seconds: Int, _ number: String, _ pbx: PBXHarness) async throws {
        let record = try await pbx.extensions.update(number, with: ExtensionPatch(qualifySeconds: seconds))
        await pbx.core.extensionChanged(record)
    }

    private func status(_ pbx: PBXHarness, _ number: String) async -> ContactStatus? {
        await pbx.core.contactStatuses(of: number).first
    }

    @Test("a registered contact is sent OPTIONS as soon as checks are switched on; its answer makes it reachable, with a round trip")
    func answeredCheck() async throws {
        let events = EventRecorder()
        try await PBXHarness.run(Cast.everyone, events: events.record) { pbx in
            try await pbx.register(desk)
            #expect(await status(pbx, desk.number)?.reachability == .unchecked)
            try await checkEvery(30, desk.number, pbx)
            let options = try await pbx.outbound.request(.options, to: desk.address)
            #expect(options.uri.serialized == desk.contact)
            #expect(options.headers["Accept"] == "application/sdp")
            #expect(await status(pbx, desk.number)?.reachability == .unknown)
            pbx.send(desk.respond(to: options, status: 200, toTag: "desk"), from: desk)
            let reachable = try await eventually("reachable") {
                await status(pbx, desk.number).flatMap { $0.reachability == .reachable ? $0 : nil }
            }
            #expect(reachable.registered && reachable.contact == desk.contact)
            #expect(reachable.roundTripMilliseconds != nil && reachable.since != nil)
            let listed = await pbx.core.registrationStatuses(extension: desk.number)
            #expect(listed.map(\.status) == [reachable], "registration.list shows the same")
            #expect(events.reachability == [.init(contact: desk.contact, reachable: true)])
        }
    }

    @Test("a contact registered for the first time on a checked extension is checked at once, not at the next round; a refresh is not checked again")
    func newContactCheckedAtOnce() async throws {
        try await PBXHarness.run(Cast.everyone) { pbx in
            try await checkEvery(300, desk.number, pbx)
            // The round the change starts finds no contact (it runs on the next 5 ms tick);
            // the next one is 300 s away.
            try await Task.sleep(for: .milliseconds(200))
            try await pbx.register(desk)
            let options = try await pbx.outbound.request(.options, to: desk.address)
            pbx.send(desk.respond(to: options, status: 200, toTag: "desk"), from: desk)
            _ = try await eventually("reachable") {
                await status(pbx, desk.number).flatMap { $0.reachability == .reachable ? $0 : nil }
            }
            let checks = pbx.outbound.distinctCount { $0.isRequest(.options, to: desk.address) }
            try await pbx.register(desk)
            try await pbx.settle(via: alice)
            #expect(
                pbx.outbound.distinctCount { $0.isRequest(.options, to: desk.address) } == checks,
                "a refresh of a known contact waits for the next round")
        }
    }

    @Test("a check on demand (ext check) without regular checks: OPTIONS at once, the result only shown: no event, nothing kept, ringing not affected")
    func checkOnDemand() async throws {
        let events = EventRecorder()
        try await PBXHarness.run(Cast.everyone, configuration: Self.quickChecks, events: events.record) { pbx in
            #expect(await pbx.core.checkContactsNow(of: "999") == false, "no such extension")
            try await pbx.register(desk)
            #expect(await pbx.core.checkContactsNow(of: desk.number))
            _ = try await pbx.outbound.request(.options, to: desk.address)
            #expect(await pbx.core.contactChecksPending(of: desk.number))
            _ = try await eventually("the check gave up") {
                await pbx.core.contactChecksPending(of: desk.number) ? nil : true
            }
            #expect(await pbx.core.contactCheckResults(of: desk.number).map(\.reachability) == [.unreachable])
            #expect(await status(pbx, desk.number)?.reachability == .unchecked, "forgotten once shown")
            #expect(await pbx.core.registrationStatuses(extension: desk.number).map(\.status.reachability) == [.unchecked])
            #expect(events.reachability.isEmpty, "no event: lists and consoles follow the ringing")
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            _ = try await pbx.outbound.request(.invite, to: desk.address)
        }
    }

    @Test("no answer: unreachable, not rung (480 at once); registering again makes it worth ringing")
    func silentContact() async throws {
        let events = EventRecorder()
        try await PBXHarness.run(Cast.everyone, configuration: Self.quickChecks, events: events.record) { pbx in
            try await pbx.register(desk)
            try await checkEvery(30, desk.number, pbx)
            _ = try await pbx.outbound.request(.options, to: desk.address)
            _ = try await eventually("unreachable") {
                await status(pbx, desk.number).flatMap { $0.reachability == .unreachable ? $0 : nil }
            }
            #expect(events.reachability == [.init(contact: desk.contact, reachable: false)])

            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            _ = try await pbx.outbound.response(480, .invite, to: alice.address)
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.invite, to: desk.address) })

            try await pbx.register(desk)
            #expect(await status(pbx, desk.number)?.reachability == .unknown)
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            _ = try await pbx.outbound.request(.invite, to: desk.address)
        }
    }

    @Test("a static contact is checked too; an answer after the check gave up makes it reachable again")
    func staticContactLateAnswer() async throws {
        let events = EventRecorder()
        let door = Phone("105", password: "door-secret", at: "192.0.2.51", port: 5080)
        try await PBXHarness.run(Cast.everyone, configuration: Self.quickChecks, events: events.record) { pbx in
            var record = PBXHarness.extensionRecord(door.number, password: door.password)
            record.staticContact = door.contact
            record.qualifySeconds = 60
            await pbx.core.extensionChanged(try await pbx.extensions.create(record))
            let options = try await pbx.outbound.request(.options, to: door.address)
            _ = try await eventually("unreachable") {
                await status(pbx, door.number).flatMap { $0.reachability == .unreachable ? $0 : nil }
            }
            let unreachable = try #require(await status(pbx, door.number))
            #expect(!unreachable.registered)

            pbx.send(door.respond(to: options, status: 200, toTag: "door"), from: door)
            let late = try await eventually("reachable again") {
                await status(pbx, door.number).flatMap { $0.reachability == .reachable ? $0 : nil }
            }
            #expect(late.roundTripMilliseconds == nil, "a late answer has no meaningful round trip")
            #expect(events.reachability.map(\.reachable) == [false, true])
            _ = try await pbx.placeCall(from: alice, to: door.number, sdp: alice.sdp())
            _ = try await pbx.outbound.request(.invite, to: door.address)
        }
    }

    @Test("after a start, a checked extension's contacts are checked within its interval (spread over up to 10 s)")
    func checkedAfterStart() async throws {
        let harness = PBXHarness(configuration: Self.quickChecks)
        try await harness.provision(Cast.everyone)
        let door = Phone("105", password: "door-secret", at: "192.0.2.51", port: 5080)
        var record = PBXHarness.extensionRecord(door.number, password: door.password)
        record.staticContact = door.contact
        record.qualifySeconds = 5
        _ = try await harness.extensions.create(record)
        try await harness.core.start()
        do {
            let options = try await harness.outbound.request(.options, to: door.address, timeout: .seconds(8))
            harness.send(door.respond(to: options, status: 200, toTag: "door"), from: door)
            _ = try await eventually("reachable") {
                await status(harness, door.number).flatMap { $0.reachability == .reachable ? $0 : nil }
            }
        } catch {
            await harness.core.shutdown()
            throw error
        }
        await harness.core.shutdown()
    }

    @Test("checks off (the default): no OPTIONS; switching them off again forgets what they found")
    func offByDefault() async throws {
        try await PBXHarness.run(Cast.everyone, configuration: Self.quickChecks) { pbx in
            try await pbx.register(desk)
            try await pbx.settle(via: alice)
            #expect(!pbx.outbound.sent.contains { $0.isRequest(.options, to: desk.address) })
            try await checkEvery(30, desk.number, pbx)
            _ = try await pbx.outbound.request(.options, to: desk.address)
            _ = try await eventually("unreachable") {
                await status(pbx, desk.number).flatMap { $0.reachability == .unreachable ? $0 : nil }
            }
            try await checkEvery(0, desk.number, pbx)
            #expect(await status(pbx, desk.number)?.reachability == .unchecked)
            _ = try await pbx.placeCall(from: alice, to: desk.number, sdp: alice.sdp())
            _ = try await pbx.outbound.request(.invite, to: desk.address)
        }
    }
}

extension EventRecorder {
    struct Reachability: Equatable {
        var contact: String
        var reachable: Bool
    }

    var reachability: [Reachability] {
        all.compactMap { event in
            guard case .contactReachability(_, let contact, let reachable, _) = event else { return nil }
            return Reachability(contact: contact, reachable: reachable)
        }
    }
}
