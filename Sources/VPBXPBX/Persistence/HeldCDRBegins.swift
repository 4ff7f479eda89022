import Foundation
import VPBXStore

/// The begins of calls held back from the store for a short while (``WriteBehindQueue``), so
/// that a call which ends within it is written as one row, begin and end together, instead of
/// an INSERT and then an UPDATE.
///
/// Most call attempts are short: unanswered, busy, refused, or (in the load bench) answered
/// and hung up at once. Their begin and finish used to land in different batches about half
/// the time, and the UPDATE (finding the row by its id, leaving the in-progress index) cost
/// more than the INSERT. A call still going after the hold-back gets its begin written then,
/// as before; its later steps follow their begin in order. Only in-memory state: what a crash
/// can lose is the begins of the last ``WriteBehindQueue/defaultHoldBack``, as the linger
/// already risks the last few milliseconds of every kind of write.
///
/// Owned by the queue's consumer task alone; no locking.
struct HeldCDRBegins {
    /// Per held call, its begin and any steps after it, in order.
    private var held: [UUID: [StoreWrite]] = [:]
    /// Held calls oldest first, with when they were held; entries whose call was already
    /// released are skipped when reached.
    private var order: [(id: UUID, since: ContinuousClock.Instant)] = []
    private var orderStart = 0

    var isEmpty: Bool { held.isEmpty }
    var count: Int { held.count }

    /// Puts `write` where it belongs: held (a begin, or a later step of a held call) or into
    /// `ready`; a finish takes its held call's writes along into `ready`, ahead of itself.
    mutating func route(_ write: StoreWrite, now: ContinuousClock.Instant, into ready: inout [StoreWrite]) {
        switch write {
        case .cdrBegin(let record):
            if held[record.id] != nil {
                held[record.id]!.append(write)  // a second begin: fails in the store as before
            } else {
                held[record.id] = [write]
                order.append((record.id, now))
            }
        case .cdrAnswered(let id, _), .cdrPath(let id, _), .cdrEncrypted(let id):
            if held[id] != nil { held[id]!.append(write) } else { ready.append(write) }
        case .cdrFinish(let id, _, _, _, _, _):
            if let writes = held.removeValue(forKey: id) {
                ready.append(contentsOf: writes)
                if held.isEmpty {  // nothing left to time: forget the released entries too
                    order.removeAll(keepingCapacity: true)
                    orderStart = 0
                }
            }
            ready.append(write)
        case .registrationUpsert, .registrationRemove:
            ready.append(write)
        }
    }

    /// Moves the calls held since `cutoff` or earlier into `ready`, oldest first.
    mutating func release(heldSince cutoff: ContinuousClock.Instant, into ready: inout [StoreWrite]) {
        while orderStart < order.count, order[orderStart].since <= cutoff {
            if let writes = held.removeValue(forKey: order[orderStart].id) { ready.append(contentsOf: writes) }
            orderStart += 1
        }
        compactOrder()
    }

    /// Moves everything held into `ready`, oldest first (a drain, or the queue finishing).
    mutating func releaseAll(into ready: inout [StoreWrite]) {
        for entry in order[orderStart...] {
            if let writes = held.removeValue(forKey: entry.id) { ready.append(contentsOf: writes) }
        }
        order.removeAll(keepingCapacity: true)
        orderStart = 0
    }

    /// Drops the consumed front of `order` once it is most of the array (amortized O(1)).
    private mutating func compactOrder() {
        if orderStart == order.count {
            order.removeAll(keepingCapacity: true)
            orderStart = 0
        } else if orderStart > 1024, orderStart * 2 > order.count {
            order.removeFirst(orderStart)
            orderStart = 0
        }
    }
}
