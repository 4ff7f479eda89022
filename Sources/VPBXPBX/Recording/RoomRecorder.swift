import Foundation
import Logging
import VPBXMedia
import VPBXNetwork

/// Records a conference room's mix into one file, as Asterisk's ConfBridge does with
/// `record_conference`: a listener on the room's mixer (``ConferenceMixer/listen()``) hears
/// everyone and the join and leave tones, and a 20 ms clock of its own takes a frame of it
/// for the file until the room ends (its last caller left, which takes the listener out).
///
/// The clock is a task's sleep: after a late wake it takes every frame that fell due, which
/// the listener's half second of queue still holds, so the file keeps the room's time.
public struct RoomRecorder: Sendable {
    let service: any CallRecordingService
    let logger: Logger

    public init(service: any CallRecordingService, logger: Logger) {
        self.service = service
        self.logger = logger
    }

    /// Starts recording room `room` through `listener` in the background; the recording ends
    /// when the listener leaves the room. `failed` is told when the recording could not start
    /// (the store refused its row, the disk its file), so the room can try again.
    func start(
        room: String, listener: ConferencePort, openedBy caller: String, failed: @escaping @Sendable () -> Void
    ) {
        Task { await record(room: room, listener: listener, openedBy: caller, failed: failed) }
    }

    func record(
        room: String, listener: ConferencePort, openedBy caller: String, failed: @Sendable () -> Void = {}
    ) async {
        let request = RoomRecordingRequest(id: UUID(), room: room, openedBy: caller, startedAt: Date())
        let sink: any RelayRecordingSink
        do {
            sink = try await service.startRoomRecording(request)
        } catch {
            logger.error(
                "conference room not recorded; the next caller to come in tries again",
                metadata: ["room": "\(room)", "error": "\(error)"])
            listener.leave()
            failed()
            return
        }
        let clock = ContinuousClock()
        let start = clock.now
        var written = 0
        while listener.isPresent {
            let due = Int((clock.now - start) / Self.frameDuration)
            while written < due {
                sink.append(interleaved: Self.bothChannels(listener.nextFrame()))
                written += 1
            }
            try? await Task.sleep(until: start + Self.frameDuration * (written + 1), clock: clock)
        }
        sink.finish()
        logger.info(
            "conference room recording ended", metadata: ["room": "\(room)", "seconds": "\(written / 50)"])
    }

    static let frameDuration = Duration.milliseconds(20)

    /// The mix on the left and on the right: a recording file has a channel for each side
    /// of a call; a room's file plays the same on both.
    static func bothChannels(_ frame: [Int16]) -> [Int16] {
        var interleaved = [Int16](repeating: 0, count: frame.count * 2)
        for (index, sample) in frame.enumerated() {
            interleaved[2 * index] = sample
            interleaved[2 * index + 1] = sample
        }
        return interleaved
    }
}
