import Foundation
import Synchronization
import Testing
import VPBXPBX

/// The parking lot on its own: slots, the first free one, and one claim per parked call.
@Suite("Parking lot")
struct ParkingLotTests {
    private func park(_ lot: ParkingLot, _ slot: Int?, _ leg: String, at seconds: TimeInterval = 0) -> Int? {
        lot.park(
            requested: slot, callID: UUID(), applicationCallID: leg, caller: "100", callerName: nil, parker: "101",
            at: Date(timeIntervalSince1970: 1_000 + seconds))
    }

    @Test("the first free slot, a chosen slot only when free and in the lot, nothing when full")
    func slots() {
        let lot = ParkingLot(slotCount: 3, timeoutSeconds: 30)
        #expect(park(lot, 2, "a") == 2)
        #expect(park(lot, 2, "b") == nil, "taken")
        #expect(park(lot, 4, "b") == nil && park(lot, 0, "b") == nil, "not in the lot")
        #expect(park(lot, nil, "b") == 1)
        #expect(park(lot, nil, "c") == 3)
        #expect(park(lot, nil, "d") == nil, "full")
        #expect(lot.list.map(\.slot) == [1, 2, 3])
        #expect(lot.list.map(\.applicationCallID) == ["b", "a", "c"])
    }

    @Test("a parked call leaves the lot once: the pickup or the timeout claims it, not both; the observer hears each change")
    func claimedOnce() {
        let lot = ParkingLot()
        let changes = Mutex<[ParkingLot.Change]>([])
        lot.setObserver { change in changes.withLock { $0.append(change) } }
        #expect(park(lot, nil, "a") == 1)
        #expect(park(lot, 1, "x") == nil, "taken: no change")
        #expect(lot.call(on: 1)?.applicationCallID == "a")
        #expect(lot.claim(applicationCallID: "a", because: .pickedUp)?.slot == 1)
        #expect(lot.claim(applicationCallID: "a", because: .timeout) == nil)
        #expect(lot.call(on: 1) == nil && lot.list.isEmpty)
        #expect(park(lot, nil, "b") == 1, "the slot is free again")
        let seen = changes.withLock { $0 }
        guard seen.count == 3, case .parked(let first) = seen[0], case .left(let left, let why) = seen[1],
            case .parked(let second) = seen[2]
        else {
            Issue.record("changes: \(seen)")
            return
        }
        #expect(first.applicationCallID == "a" && left == first && why == .pickedUp && second.applicationCallID == "b")
    }

    @Test("a reservation holds its slot for its parker only, is nothing to pick up, and ends when filled or cancelled")
    func reservations() {
        let lot = ParkingLot(slotCount: 3, timeoutSeconds: 30)
        #expect(lot.reserve(requested: nil, parker: "101", applicationCallID: "consult") == 1)
        #expect(lot.reservedSlot(applicationCallID: "consult") == 1)
        #expect(lot.call(on: 1) == nil && lot.call(on: nil) == nil && lot.list.isEmpty)
        #expect(lot.reserve(requested: 1, parker: "102", applicationCallID: "other") == nil, "held for 101")
        #expect(park(lot, nil, "someone") == 2, "the first free slot skips the reserved one")
        #expect(
            lot.park(
                requested: 1, callID: UUID(), applicationCallID: "x", caller: "100", callerName: nil, parker: "102")
                == nil, "not 102's reservation")
        #expect(park(lot, 1, "held") == 1, "101's reservation is 101's to fill")
        #expect(lot.reservedSlot(applicationCallID: "consult") == nil)
        #expect(lot.reserve(requested: nil, parker: "101", applicationCallID: "again") == 3)
        lot.cancelReservation(applicationCallID: "again")
        #expect(lot.reserve(requested: 3, parker: "102", applicationCallID: "other") == 3, "free again")
    }

    @Test("a console's pickup reaches the application listening for its parked call, until the call leaves the slot")
    func pickupRequests() async {
        let lot = ParkingLot()
        let callID = UUID()
        #expect(
            lot.park(
                requested: nil, callID: callID, applicationCallID: "a", caller: "100", callerName: nil, parker: "101")
                == 1)
        #expect(!lot.requestPickup(callID: callID, by: "1005"), "nobody listens yet")
        let requests = lot.pickupRequests(applicationCallID: "a")
        #expect(lot.requestPickup(callID: callID, by: "1005"))
        #expect(!lot.requestPickup(callID: UUID(), by: "1005"), "no such parked call")
        var iterator = requests.makeAsyncIterator()
        #expect(await iterator.next() == "1005")
        lot.claim(applicationCallID: "a", because: .pickedUp)
        #expect(await iterator.next() == nil, "the stream ends with the call's time on the slot")
        #expect(!lot.requestPickup(callID: callID, by: "1005"))
        var unparked = lot.pickupRequests(applicationCallID: "gone").makeAsyncIterator()
        #expect(await unparked.next() == nil, "nothing parked: nothing to listen for")
    }

    @Test("no slot asked: the call parked longest, whatever its slot")
    func longestParked() {
        let lot = ParkingLot()
        #expect(park(lot, 5, "late", at: 20) == 5)
        #expect(park(lot, 9, "early", at: 10) == 9)
        #expect(lot.call(on: nil)?.applicationCallID == "early")
        #expect(ParkingLot(slotCount: 0, timeoutSeconds: 0).slots == 1...1, "at least one slot")
    }
}
