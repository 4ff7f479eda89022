import Foundation
import Logging
import Synchronization
import Testing
import VPBXMedia
import VPBXNetwork

@testable import VPBXPBX

/// A conference room recorded as one file of its mix (``RoomRecorder``), as the rooms start
/// and end it.
@Suite("Conference rooms: one recording of the room", .timeLimit(.minutes(1)))
struct RoomRecorderTests {
    /// Keeps what a room recording is given.
    final class Sink: RelayRecordingSink {
        let state = Mutex<(samples: [Int16], finished: Bool)>(([], false))
        func append(interleaved samples: [Int16]) { state.withLock { $0.samples += samples } }
        func finish() { state.withLock { $0.finished = true } }
        var samples: [Int16] { state.withLock { $0.samples } }
        var finished: Bool { state.withLock { $0.finished } }
    }

    final class Service: CallRecordingService {
        let requests = Mutex<[RoomRecordingRequest]>([])
        let sink = Sink()
        /// Refuses the first this many room recordings (a store that refused the row).
        let refusals = Mutex(0)
        func startRecording(_ request: CallRecordingRequest, media: any MediaSession) async throws -> any MediaRecording
        {
            throw RecordingUnsupported()
        }
        func startRoomRecording(_ request: RoomRecordingRequest) async throws -> any RelayRecordingSink {
            requests.withLock { $0.append(request) }
            if refusals.withLock({ count in
                defer { count = max(0, count - 1) }
                return count > 0
            }) {
                throw RecordingUnsupported()
            }
            return sink
        }
        var all: [RoomRecordingRequest] { requests.withLock { $0 } }
    }

    static func frame(_ value: Int16) -> [Int16] { [Int16](repeating: value, count: AudioFormat.frameSamples) }

    @Test("one recording a room from its first caller to its last: both voices, on both channels, in the room's time")
    func oneFileOfTheMix() async throws {
        let rooms = ConferenceRooms()
        let service = Service()
        rooms.setRecorder(RoomRecorder(service: service, logger: Logger(label: "test")))
        let settings = ConferenceRoomSettings(recordCalls: true)
        let opened = ContinuousClock.now
        guard case .joined(let anna) = rooms.admit("board", caller: "1001", settings: settings),
            case .joined(let bela) = rooms.admit("board", caller: "1002", settings: settings)
        else { throw RecordingUnsupported() }
        #expect(rooms.isRecorded("board") && rooms.participantCount(of: "board") == 2, "the recorder is no participant")
        try await eventually("the room's recording asked for") { service.all.count == 1 }
        #expect(service.all.first?.room == "board" && service.all.first?.openedBy == "1001", "one, opened by the first")

        // Past the join cue, then both speak at once for 200 ms, as their endpoints' clocks would.
        try await Task.sleep(for: .milliseconds(400))
        for _ in 0..<10 {
            anna.deliver(Self.frame(1000))
            bela.deliver(Self.frame(300))
            try await Task.sleep(for: .milliseconds(20))
        }
        try await eventually("the mix in the file") { service.sink.samples.contains(1300) }
        let samples = service.sink.samples
        #expect(
            samples.count % 2 == 0
                && stride(from: 0, to: samples.count, by: 2).allSatisfy { samples[$0] == samples[$0 + 1] })
        #expect(!service.sink.finished)

        rooms.leave("board", anna)
        #expect(rooms.isRecorded("board"), "a caller leaving does not end it")
        rooms.leave("board", bela)
        try await eventually("the recording finished with the room") { service.sink.finished }
        let open = ContinuousClock.now - opened
        #expect(!rooms.isRecorded("board"))
        // The room's time at 20 ms a frame, whatever the clock's wakes: the talk is in it, and
        // the file never runs ahead of the time it was open (its length is frames that fell
        // due, not wakes). No bound on the room's length itself: that would be a wall-clock
        // limit, and a loaded machine stretches the test.
        let recorded = Duration.milliseconds(service.sink.samples.count / 2 / 8)
        #expect(recorded > .milliseconds(500) && recorded <= open, "\(recorded) of \(open)")
    }

    @Test("a room without --record, or rooms without a recorder, are not recorded")
    func onlyRoomsThatRecord() async throws {
        let rooms = ConferenceRooms()
        let service = Service()
        _ = rooms.admit("open", caller: "1001", settings: ConferenceRoomSettings(recordCalls: true))
        #expect(!rooms.isRecorded("open"), "no recorder set: the engine records nothing")
        rooms.setRecorder(RoomRecorder(service: service, logger: Logger(label: "test")))
        _ = rooms.admit("plain", caller: "1001", settings: ConferenceRoomSettings())
        #expect(!rooms.isRecorded("plain"))
        try await Task.sleep(for: .milliseconds(100))
        #expect(service.all.isEmpty)
    }

    @Test("a recording that could not start is tried again by the next caller to come in")
    func failedStartIsRetried() async throws {
        let rooms = ConferenceRooms()
        let service = Service()
        service.refusals.withLock { $0 = 1 }
        rooms.setRecorder(RoomRecorder(service: service, logger: Logger(label: "test")))
        let settings = ConferenceRoomSettings(recordCalls: true)
        _ = rooms.admit("board", caller: "1001", settings: settings)
        try await eventually("the refused start forgotten") { service.all.count == 1 && !rooms.isRecorded("board") }
        _ = rooms.admit("board", caller: "1002", settings: settings)
        try await eventually("a second start") { service.all.count == 2 }
        #expect(service.all.last?.openedBy == "1002" && rooms.isRecorded("board"))
    }
}
