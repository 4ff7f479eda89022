import Foundation
import VPBXSIP

/// What a callee leg's responses arriving after its call ended still need
/// (`lateCalleeResponse`, for up to 64·T1). Whole legs kept for 32 s were most of the engine's
/// memory under call load (about 15 KB per call), and even trimmed ones about 2 KB, most of it
/// the leg's inline size and an INVITE the answered leg no longer needs.
struct EndedLeg: Sendable {
    enum Pending: Sendable {
        /// Answered: a retransmitted 2xx gets this ACK again.
        case ack(SerializedSIPMessage)
        /// Not answered yet: a provisional response may still need the CANCEL held back for
        /// it, and a 2xx crossing the CANCEL needs a dialog (ACK and BYE); both are built from
        /// the INVITE's identifying lines (``SIPRequest/trimmedForMatching()``). Boxed
        /// (`indirect`): inline, a request's room (about 140 bytes) stayed in every ended leg,
        /// though an answered leg keeps only its ACK's bytes.
        indirect case invite(SIPRequest, cancel: PendingCancel)
        /// Failed: its client transaction absorbs retransmitted failures, and no 2xx can follow.
        case nothing
    }

    /// The CANCEL held back for the leg's first provisional response, if any.
    enum PendingCancel: Sendable {
        case none
        case plain
        /// With RFC 3326's Reason: another phone answered the call before it ended.
        case answeredElsewhere
    }

    let destination: SIPPeerAddress
    var pending: Pending

    init(_ leg: CalleeLeg) {
        destination = leg.destination
        if let ack = leg.ack {
            pending = .ack(ack)
        } else if leg.state == .failed {
            pending = .nothing
        } else {
            let cancel: PendingCancel = !leg.cancelPending ? .none : leg.answeredElsewhere ? .answeredElsewhere : .plain
            pending = .invite(leg.invite.trimmedForMatching().keptForResending(), cancel: cancel)
        }
    }
}

/// The legs of ended calls by call id, for responses that arrive late (up to 64·T1 after the
/// call ended). Calls end in time order, so expiry takes them from the front of a queue
/// instead of rebuilding the whole table (at 4,000 calls/s it holds some 128,000 calls).
struct EndedCalls {
    private var legs: [UUID: [EndedLeg]] = [:]
    private var endings: [(id: UUID, at: ContinuousClock.Instant)] = []
    /// Endings before this index are already forgotten; the array is compacted now and then.
    private var firstLive = 0

    var count: Int { legs.count }

    subscript(id: UUID) -> [EndedLeg]? { legs[id] }

    /// Keeps `legs` of the call `id`, which ended at `time` (no earlier than the last call added).
    mutating func add(_ legs: [EndedLeg], of id: UUID, endedAt time: ContinuousClock.Instant) {
        self.legs[id] = legs
        endings.append((id, time))
    }

    /// Replaces leg `index` of call `id`, if the call is still kept.
    mutating func update(_ leg: EndedLeg, at index: Int, of id: UUID) {
        guard legs[id]?.indices.contains(index) == true else { return }
        legs[id]![index] = leg
    }

    /// Forgets the calls that ended before `limit`.
    mutating func forget(endedBefore limit: ContinuousClock.Instant) {
        while firstLive < endings.count, endings[firstLive].at < limit {
            legs[endings[firstLive].id] = nil
            firstLive += 1
        }
        // Drop the forgotten front once it is most of the array, so each ending is moved
        // about once.
        if firstLive >= 1024, firstLive * 2 >= endings.count {
            endings.removeFirst(firstLive)
            firstLive = 0
        }
    }
}
