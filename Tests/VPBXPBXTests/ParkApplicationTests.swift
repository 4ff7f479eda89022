import Foundation
import Synchronization
import Testing
import VPBXMedia
import VPBXRTP

@testable import VPBXPBX

/// The park application on its own: a channel that only passes time, a hand-on that rings
/// nobody, and a lot with a one-second time-out.
@Suite("Applications: park", .timeLimit(.minutes(1)))
struct ParkApplicationTests {
    let callID = UUID()

    private func application(on lot: ParkingLot) -> ParkApplication {
        ParkApplication(
            parker: "101", requestedSlot: 3,
            caller: QueueCaller(callID: callID.uuidString, applicationCallID: "park-leg", number: "100", name: nil),
            lot: lot, music: [], prompts: NoPrompts(), language: "hu")
    }

    /// The lot's changes as "parked 3" and "left 3 timeout", with when they happened.
    private final class LotChanges: Sendable {
        let entries = Mutex<[(String, ContinuousClock.Instant)]>([])

        init(_ lot: ParkingLot) {
            lot.setObserver { [self] change in
                let text =
                    switch change {
                    case .parked(let parked): "parked \(parked.slot)"
                    case .left(let parked, let departure): "left \(parked.slot) \(departure.rawValue)"
                    }
                self.entries.withLock { $0.append((text, .now)) }
            }
        }
    }

    @Test("a call nobody takes rings its parker three times, back on its slot between the rings, then is hung up")
    func ringsTheParkerThreeTimes() async throws {
        let lot = ParkingLot(slotCount: 5, timeoutSeconds: 1)
        let changes = LotChanges(lot)
        let rings = Mutex<[String]>([])
        let outcome = await application(on: lot).run(on: PassingTimeChannel()) { destination, step in
            rings.withLock { $0.append("\(destination) \(step)") }
            return .failed(busy: false)
        }
        #expect(outcome == .hangup(step: "park:3=timeout-unanswered"))
        #expect(rings.withLock { $0 } == Array(repeating: "ext:101 park:3=timeout", count: 3))
        let lotChanges = changes.entries.withLock { $0.map(\.0) }
        #expect(lotChanges == Array(repeating: ["parked 3", "left 3 timeout"], count: 3).flatMap { $0 })
        #expect(lot.list.isEmpty)
    }

    @Test(
        "a console's pickup nobody answers puts the call back with a time-out of its own: the first stay's timer, due while it rang, rings nobody"
    )
    func failedPickupStartsAFreshStay() async throws {
        let lot = ParkingLot(slotCount: 5, timeoutSeconds: 1)
        let changes = LotChanges(lot)
        let parkerRang = Mutex<ContinuousClock.Instant?>(nil)
        let application = application(on: lot)
        let run = Task {
            await application.run(on: PassingTimeChannel()) { destination, step in
                guard destination == .extension("101") else {
                    // Rings 102 past the first stay's second, and nobody answers.
                    try? await Task.sleep(for: .milliseconds(800))
                    return .failed(busy: false)
                }
                parkerRang.withLock { $0 = .now }
                return .connected(answeredBy: "101")
            }
        }
        try await eventually("the call is parked") { !lot.list.isEmpty }
        try await Task.sleep(for: .milliseconds(500))
        #expect(lot.requestPickup(callID: callID, by: "102"))
        #expect(await run.value == .handedOn)
        let lotChanges = changes.entries.withLock { $0 }
        #expect(lotChanges.map(\.0) == ["parked 3", "left 3 picked-up", "parked 3", "left 3 timeout"])
        let parkedAgain = try #require(lotChanges.dropFirst(2).first?.1)
        let rang = try #require(parkerRang.withLock { $0 })
        // A lower bound only: the second stay lasts the lot's whole second however slow the machine.
        #expect(rang - parkedAgain >= .milliseconds(900), "rang \(rang - parkedAgain) after parking again")
    }
}

/// A media channel where playing only takes time: every `play` lasts 20 ms; nothing is sent.
private final class PassingTimeChannel: MediaChannel {
    let localPort = 40_000
    let digits: AsyncStream<DTMFDigit>
    private let digitInput: AsyncStream<DTMFDigit>.Continuation

    init() { (digits, digitInput) = AsyncStream.makeStream() }

    func setRemote(host: String, port: Int) async throws {}
    func relatch() async {}
    func play(_ items: [PlayItem]) async -> PlaybackOutcome {
        (try? await Task.sleep(for: .milliseconds(20))) == nil ? .stopped : .finished
    }
    func stopPlayback() async {}
    func record(_ configuration: RecorderConfiguration) async -> Recording { Recording(reason: .stopped, samples: []) }
    func stopRecording() async {}
    func receiveSignalledDigit(_ digit: DTMFDigit) async {}
    func sendDigits(_ digits: [DTMFDigit]) async {}
    func connect(to port: ConferencePort?) async {}
    func close() async { digitInput.finish() }
}

/// No prompts at all.
private struct NoPrompts: PromptProvider {
    func items(_ names: [String], language: String, bargeIn: Bool) async -> [PlayItem] { [] }
}
