import Foundation
import VPBXNetwork

/// What the core asks of whoever keeps call recordings (the engine: files and the store).
/// The core only decides when a call is recorded; the service makes the file, writes the
/// record and its audit entry, and finishes both when the recording ends.
public protocol CallRecordingService: Sendable {
    /// Starts recording `media` as `request` says. Returns once the relay taps the call,
    /// with the recording's control.
    func startRecording(_ request: CallRecordingRequest, media: any MediaSession) async throws -> any MediaRecording

    /// Starts the recording of a conference room's mix (``RoomRecorder``): the file and its
    /// record, under the same retention and audit as a call's. The sink takes the room's
    /// frames (interleaved, the mix on both channels) until it is finished.
    func startRoomRecording(_ request: RoomRecordingRequest) async throws -> any RelayRecordingSink
}

/// A conference room about to be recorded.
public struct RoomRecordingRequest: Sendable, Equatable {
    /// The recording's id (a room has no call of its own).
    public var id: UUID
    /// The room's name, as in `conf:NAME`.
    public var room: String
    /// The caller whose arrival started the recording (the room's first while it records).
    public var openedBy: String
    public var startedAt: Date

    public init(id: UUID, room: String, openedBy: String, startedAt: Date) {
        self.id = id
        self.room = room
        self.openedBy = openedBy
        self.startedAt = startedAt
    }
}

/// A call about to be recorded.
public struct CallRecordingRequest: Sendable, Equatable {
    /// The call's id: its CDR's.
    public var callID: UUID
    public var caller: String
    /// The extension (or number) that answered.
    public var callee: String
    public var startedAt: Date
    /// Each phone's voice codec, to decode what it sends.
    public var callerCodec: MusicOnHold.Codec
    public var calleeCodec: MusicOnHold.Codec
    /// Why the call is recorded (`extension 1001`), for the audit trail.
    public var reason: String

    public init(
        callID: UUID, caller: String, callee: String, startedAt: Date, callerCodec: MusicOnHold.Codec,
        calleeCodec: MusicOnHold.Codec, reason: String
    ) {
        self.callID = callID
        self.caller = caller
        self.callee = callee
        self.startedAt = startedAt
        self.callerCodec = callerCodec
        self.calleeCodec = calleeCodec
        self.reason = reason
    }
}

/// The media side of a recording, which ends when the call's media closes.
public protocol MediaRecording: Sendable {
    /// Paused, the recording gets silence instead of what the phones send (a card number
    /// read out); resumed, their audio again. Returns at once.
    func setPaused(_ paused: Bool)
}

/// A media session that cannot record (a test's, or one in a codec that is not G.711).
public struct RecordingUnsupported: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "this call's media cannot be recorded (G.711 on the relay only)" }
}

/// Swaps each interleaved pair, for a session whose sides are turned (the caller on the
/// relay's B side after a transfer): the caller stays on the left.
final class ChannelSwappingSink: RelayRecordingSink {
    let base: any RelayRecordingSink

    init(base: any RelayRecordingSink) { self.base = base }

    func append(interleaved samples: [Int16]) {
        var swapped = samples
        var index = 0
        while index + 1 < swapped.count {
            swapped.swapAt(index, index + 1)
            index += 2
        }
        base.append(interleaved: swapped)
    }

    func finish() { base.finish() }
}
