import Foundation
import Synchronization
import Testing
import VPBXPBX

/// Events are built only while someone wants them; none is lost once someone does.
@Suite("EventGate", .timeLimit(.minutes(1)))
struct EventGateTests {
    final class Recorder: Sendable {
        let wanted = Atomic<Bool>(false)
        let events = Mutex<[PBXEvent]>([])
        let asked = Atomic<Int>(0)

        func record(_ event: PBXEvent) { events.withLock { $0.append(event) } }
        func isWanted() -> Bool {
            asked.add(1, ordering: .relaxed)
            return wanted.load(ordering: .relaxed)
        }
        var registrations: Int {
            events.withLock { $0.filter { if case .registrationAdded = $0 { true } else { false } }.count }
        }
    }

    @Test func nothingIsSentWhileUnwantedAndEverythingOnceWanted() async throws {
        let recorder = Recorder()
        let pbx = PBXHarness(events: { recorder.record($0) }, wantsEvents: { recorder.isWanted() })
        let bob = Cast.bobDesk
        try await pbx.provision(Cast.everyone)
        try await pbx.core.start()
        #expect(try await pbx.register(bob).statusCode == 200)
        // The core asked, heard no, and sent nothing.
        #expect(recorder.asked.load(ordering: .relaxed) > 0)
        #expect(recorder.events.withLock { $0.isEmpty })

        recorder.wanted.store(true, ordering: .relaxed)
        #expect(try await pbx.register(bob).statusCode == 200)
        #expect(recorder.registrations == 1)
        await pbx.core.shutdown()
    }
}
