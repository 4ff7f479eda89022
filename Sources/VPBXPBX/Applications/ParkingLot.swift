import Foundation
import Synchronization

/// The exchange's parking lot: numbered slots a call is parked on (a phone transfers it to
/// the park code, `*70`, or to the code and a slot, `*703`) and picked up from by any phone
/// dialling the pickup code and the slot (`*713`), as Asterisk's parking lot 701-720 is.
///
/// The lot is the one arbiter between the pickup and the parked caller's timeout: an entry
/// leaves it exactly once (``claim(applicationCallID:)``), so a call cannot be both picked up
/// and rung back to whoever parked it.
public final class ParkingLot: Sendable {
    /// A call parked on a slot, as `park.list` shows it.
    public struct ParkedCall: Sendable, Equatable {
        public let slot: Int
        /// The core's id of the parked call (its CDR row's).
        public let callID: UUID
        /// The Call-ID of the park application's leg of that call.
        public let applicationCallID: String
        /// Who is parked: the caller's number, and its name when it sent one.
        public let caller: String
        public let callerName: String?
        /// The extension that parked it, rung again when nobody picks the call up in time.
        public let parker: String
        public let since: Date

        public init(
            slot: Int, callID: UUID, applicationCallID: String, caller: String, callerName: String?, parker: String,
            since: Date
        ) {
            self.slot = slot
            self.callID = callID
            self.applicationCallID = applicationCallID
            self.caller = caller
            self.callerName = callerName
            self.parker = parker
            self.since = since
        }
    }

    /// Why a call left its slot.
    public enum Departure: String, Sendable {
        /// A phone dialled the slot and took it.
        case pickedUp = "picked-up"
        /// Nobody did in time: it rings its parker.
        case timeout
        /// The caller hung up while parked.
        case callerLeft = "caller-left"
    }

    /// What the lot tells its observer.
    public enum Change: Sendable, Equatable {
        case parked(ParkedCall)
        case left(ParkedCall, Departure)
    }

    /// The slots, numbered from 1: `*701`...`*7020` with the default codes.
    public let slots: ClosedRange<Int>
    /// How long a call stays parked before the parker's phone rings with it (Asterisk's
    /// `parkingtime`, 45 s by default there too).
    public let timeoutSeconds: Int

    /// A slot held for the parker calling the park code itself (the attended-transfer way):
    /// it heard the slot, and its transfer brings the call there next.
    private struct Reservation {
        let parker: String
        let applicationCallID: String
    }

    private struct State {
        var parked: [Int: ParkedCall] = [:]
        var reserved: [Int: Reservation] = [:]
        /// The park applications listening for pickups from the console, by their leg's Call-ID.
        var listeners: [String: AsyncStream<String>.Continuation] = [:]

        func isFree(_ slot: Int, for parker: String? = nil) -> Bool {
            parked[slot] == nil && (reserved[slot] == nil || reserved[slot]?.parker == parker)
        }
    }

    private let state = Mutex(State())
    /// Told after every change (the core: events, and busy lamps for slots).
    private let observer = Mutex<(@Sendable (Change) -> Void)?>(nil)

    public static let defaultSlotCount = 20
    public static let defaultTimeoutSeconds = 45

    public init(slotCount: Int = ParkingLot.defaultSlotCount, timeoutSeconds: Int = ParkingLot.defaultTimeoutSeconds) {
        slots = 1...max(1, slotCount)
        self.timeoutSeconds = max(1, timeoutSeconds)
    }

    /// `observer` runs after each call parked or taken off, outside the lot's lock.
    public func setObserver(_ observer: (@Sendable (Change) -> Void)?) {
        self.observer.withLock { $0 = observer }
    }

    private func changed(_ change: Change) {
        observer.withLock { $0 }?(change)
    }

    /// Parks a call on `requested`, or with nil on the lowest free slot: the slot it took, or
    /// nil when that slot is taken or not in the lot (or, with nil, the lot is full). A slot
    /// `parker` reserved is free for it (the reservation ends).
    public func park(
        requested: Int?, callID: UUID, applicationCallID: String, caller: String, callerName: String?,
        parker: String, at now: Date = Date()
    ) -> Int? {
        let entry = state.withLock { state -> ParkedCall? in
            let slot: Int
            if let requested {
                guard slots.contains(requested), state.isFree(requested, for: parker) else { return nil }
                slot = requested
            } else {
                guard let free = slots.first(where: { state.isFree($0) }) else { return nil }
                slot = free
            }
            let entry = ParkedCall(
                slot: slot, callID: callID, applicationCallID: applicationCallID, caller: caller,
                callerName: callerName, parker: parker, since: now)
            state.reserved[slot] = nil
            state.parked[slot] = entry
            return entry
        }
        if let entry { changed(.parked(entry)) }
        return entry?.slot
    }

    /// Holds `requested` (or with nil the lowest free slot) for `parker`, whose own call to
    /// the park code has application leg `applicationCallID`: the slot, or nil as for
    /// ``park(requested:callID:applicationCallID:caller:callerName:parker:at:)``. Nothing
    /// is parked: no pickup finds it, and no event says so.
    public func reserve(requested: Int?, parker: String, applicationCallID: String) -> Int? {
        state.withLock { state -> Int? in
            let slot: Int
            if let requested {
                guard slots.contains(requested), state.isFree(requested) else { return nil }
                slot = requested
            } else {
                guard let free = slots.first(where: { state.isFree($0) }) else { return nil }
                slot = free
            }
            state.reserved[slot] = Reservation(parker: parker, applicationCallID: applicationCallID)
            return slot
        }
    }

    /// The slot `applicationCallID`'s call reserved, while it holds it.
    public func reservedSlot(applicationCallID: String) -> Int? {
        state.withLock { $0.reserved.first { $0.value.applicationCallID == applicationCallID }?.key }
    }

    /// Ends the reservation of `applicationCallID`'s call, if it still has one (its parker
    /// hung up without transferring).
    public func cancelReservation(applicationCallID: String) {
        state.withLock { state in
            for (slot, reservation) in state.reserved where reservation.applicationCallID == applicationCallID {
                state.reserved[slot] = nil
            }
        }
    }

    /// The call parked on `slot`, or with nil the one parked longest; nil when there is none.
    /// It stays parked: ``claim(applicationCallID:because:)`` takes it.
    public func call(on slot: Int?) -> ParkedCall? {
        state.withLock { state in
            if let slot { return state.parked[slot] }
            return state.parked.values.min { ($0.since, $0.slot) < ($1.since, $1.slot) }
        }
    }

    /// Takes the call whose park application leg is `applicationCallID` off its slot,
    /// `because` of what: the entry, or nil when it was taken already (picked up, timed out,
    /// or its caller left).
    @discardableResult
    public func claim(applicationCallID: String, because departure: Departure) -> ParkedCall? {
        let claimed = state.withLock { state -> ParkedCall? in
            guard let entry = state.parked.values.first(where: { $0.applicationCallID == applicationCallID }) else {
                return nil
            }
            state.parked[entry.slot] = nil
            state.listeners.removeValue(forKey: applicationCallID)?.finish()
            return entry
        }
        if let claimed { changed(.left(claimed, departure)) }
        return claimed
    }

    /// The extensions asked to take the call parked by `applicationCallID`'s application
    /// (``requestPickup(callID:by:)``), until it leaves its slot.
    public func pickupRequests(applicationCallID: String) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        state.withLock { state in
            state.listeners.removeValue(forKey: applicationCallID)?.finish()
            if state.parked.values.contains(where: { $0.applicationCallID == applicationCallID }) {
                state.listeners[applicationCallID] = continuation
            } else {
                continuation.finish()
            }
        }
        return stream
    }

    /// Asks the application holding parked call `callID` to ring `extensionNumber` with it
    /// (a console taking the call to its user's phone); false when the call is not parked.
    public func requestPickup(callID: UUID, by extensionNumber: String) -> Bool {
        state.withLock { state in
            guard let entry = state.parked.values.first(where: { $0.callID == callID }),
                let listener = state.listeners[entry.applicationCallID]
            else { return false }
            listener.yield(extensionNumber)
            return true
        }
    }

    /// Every parked call, by slot.
    public var list: [ParkedCall] {
        state.withLock { $0.parked.values.sorted { $0.slot < $1.slot } }
    }
}
