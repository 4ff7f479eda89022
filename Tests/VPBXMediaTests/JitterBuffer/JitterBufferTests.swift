import Testing
import VPBXTestSupport

@testable import VPBXMedia

@Suite("Jitter buffer")
struct JitterBufferTests {
    /// A frame whose samples all equal `marker`, so the output says which packet it was.
    private func frame(_ marker: Int) -> [Int16] { [Int16](repeating: Int16(marker), count: 160) }

    private func label(_ playout: JitterBuffer.Playout) -> String {
        switch playout {
        case .packet(let samples): "\(samples[0])"
        case .concealed(let samples): "c\(samples[0])"
        case .silence: "-"
        }
    }

    private func fixed(_ frames: Int, capacity: Int = 50) -> JitterBuffer {
        JitterBuffer(configuration: JitterBufferConfiguration(delay: .fixed(frames: frames), capacity: capacity))
    }

    @discardableResult
    private func insert(
        _ buffer: inout JitterBuffer, _ sequence: UInt16, value: Int, ssrc: UInt32 = 1, at time: Int = 0
    )
        -> JitterBuffer.Insertion
    {
        buffer.insert(
            sequenceNumber: sequence, timestamp: UInt32(sequence) * 160, ssrc: ssrc, samples: frame(value),
            arrival: time)
    }

    @Test func waitsForTheDelayThenPlaysInOrder() {
        var buffer = fixed(3)
        insert(&buffer, 10, value: 10)
        #expect(label(buffer.nextFrame()) == "-")
        insert(&buffer, 11, value: 11)
        #expect(label(buffer.nextFrame()) == "-")
        insert(&buffer, 12, value: 12)
        #expect((0..<3).map { _ in label(buffer.nextFrame()) } == ["10", "11", "12"])
    }

    @Test func reordersBySequence() {
        var buffer = fixed(4)
        for sequence: UInt16 in [3, 1, 2, 4, 6, 5] { insert(&buffer, sequence, value: Int(sequence)) }
        #expect((0..<6).map { _ in label(buffer.nextFrame()) } == ["1", "2", "3", "4", "5", "6"])
    }

    @Test func duplicatesAndLatePacketsAreDropped() {
        var buffer = fixed(2)
        insert(&buffer, 1, value: 1)
        insert(&buffer, 2, value: 2)
        #expect(insert(&buffer, 2, value: 99) == .duplicate)
        #expect(label(buffer.nextFrame()) == "1")
        #expect(insert(&buffer, 1, value: 98) == .late)
        #expect(label(buffer.nextFrame()) == "2")
        #expect(buffer.statistics.duplicates == 1)
        #expect(buffer.statistics.late == 1)
        #expect(buffer.statistics.accepted == 2)
    }

    @Test func aLostPacketIsConcealedOnceThenSilence() {
        var buffer = fixed(2)
        for sequence: UInt16 in [1, 2, 5, 6] { insert(&buffer, sequence, value: Int(sequence) * 100) }
        let played = (0..<6).map { _ in label(buffer.nextFrame()) }
        #expect(played == ["100", "200", "c100", "-", "500", "600"])
        #expect(buffer.statistics.lost == 2)
    }

    @Test func sequenceWrapKeepsOrder() {
        var buffer = fixed(3)
        for sequence: UInt16 in [65534, 0, 65535, 1] { insert(&buffer, sequence, value: Int(sequence % 100)) }
        #expect((0..<4).map { _ in label(buffer.nextFrame()) } == ["34", "35", "0", "1"])
    }

    @Test func newSSRCRestarts() {
        var buffer = fixed(1)
        insert(&buffer, 100, value: 1)
        #expect(label(buffer.nextFrame()) == "1")
        #expect(insert(&buffer, 7, value: 2, ssrc: 2) == .restarted)
        #expect(label(buffer.nextFrame()) == "2")
        #expect(buffer.statistics.resets == 1)
    }

    @Test func memoryIsBounded() {
        var buffer = fixed(2, capacity: 10)
        insert(&buffer, 0, value: 0)
        for sequence: UInt16 in 1..<200 { insert(&buffer, sequence, value: Int(sequence)) }
        #expect(buffer.count <= 10)
        // A far jump restarted the buffer rather than holding a huge gap.
        #expect(buffer.statistics.resets > 0)
        // Garbage sequence numbers never grow it either.
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<1000 {
            insert(&buffer, UInt16.random(in: 0...UInt16.max, using: &generator), value: 0)
            #expect(buffer.count <= 10)
        }
    }

    @Test func excessDelayIsDropped() {
        var buffer = fixed(2)
        for sequence: UInt16 in 1...10 { insert(&buffer, sequence, value: Int(sequence)) }
        // Ten frames held against a target of 2 (+3 slack): the oldest go.
        #expect(label(buffer.nextFrame()) == "6")
        #expect(buffer.statistics.discarded == 5)
        #expect(buffer.count == 4)
    }

    @Test func underrunRebuffers() {
        var buffer = fixed(2)
        insert(&buffer, 1, value: 1)
        insert(&buffer, 2, value: 2)
        #expect(label(buffer.nextFrame()) == "1")
        #expect(label(buffer.nextFrame()) == "2")
        // Nothing came (end of talkspurt or stall): the last frame once, at half level.
        #expect(label(buffer.nextFrame()) == "c1")
        insert(&buffer, 3, value: 3)
        #expect(label(buffer.nextFrame()) == "-")  // waiting for the delay again
        insert(&buffer, 4, value: 4)
        #expect((0..<2).map { _ in label(buffer.nextFrame()) } == ["3", "4"])
        #expect(buffer.statistics.lost == 0)
    }

    @Test func adaptiveDelayFollowsJitter() {
        var steady = JitterBuffer()
        var jittery = JitterBuffer()
        var generator = SeededGenerator(seed: 9)
        for sequence in 0..<200 {
            let sent = sequence * 160
            _ = steady.insert(
                sequenceNumber: UInt16(sequence), timestamp: UInt32(sent), ssrc: 1, samples: frame(0),
                arrival: sent + 80)
            let delay = Int.random(in: 0...480, using: &generator)  // up to 60 ms of jitter
            _ = jittery.insert(
                sequenceNumber: UInt16(sequence), timestamp: UInt32(sent), ssrc: 1, samples: frame(0),
                arrival: sent + delay)
            _ = steady.nextFrame()
            _ = jittery.nextFrame()
        }
        #expect(steady.targetFrames == 2)
        #expect(steady.statistics.jitter < 1)
        #expect(jittery.targetFrames > 3 && jittery.targetFrames <= 10)
        #expect(jittery.statistics.jitter > 100)
    }
}

@Suite("Jitter buffer on a simulated network")
struct JitterBufferNetworkTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func jitterLossAndDuplicates(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var arrivals: [(time: Int, sequence: Int)] = []
        for sequence in 0..<1000 {
            if Double.random(in: 0..<1, using: &generator) < 0.05 { continue }  // 5% loss
            let time = sequence * 160 + Int.random(in: 0...480, using: &generator)  // up to 60 ms jitter
            arrivals.append((time, sequence))
            if Double.random(in: 0..<1, using: &generator) < 0.02 {  // 2% duplicated
                arrivals.append((time + Int.random(in: 0...160, using: &generator), sequence))
            }
        }
        arrivals.sort { $0.time < $1.time }

        var buffer = JitterBuffer()
        var played: [Int] = []
        var next = 0
        for tick in 0..<1100 {
            let now = tick * 160
            while next < arrivals.count, arrivals[next].time <= now {
                let sequence = arrivals[next].sequence
                _ = buffer.insert(
                    sequenceNumber: UInt16(truncatingIfNeeded: sequence + 65_000), timestamp: UInt32(sequence * 160),
                    ssrc: 1, samples: [Int16](repeating: Int16(sequence % 30_000), count: 160), arrival: now)
                next += 1
            }
            if case .packet(let samples) = buffer.nextFrame() { played.append(Int(samples[0])) }
        }
        // In order, never twice, across the sequence wrap at packet 536.
        #expect(zip(played, played.dropFirst()).allSatisfy { $0 < $1 })
        #expect(played.count >= 900)
        #expect(buffer.statistics.late <= 20)
        #expect(buffer.statistics.duplicates > 0)
        #expect(buffer.targetFrames >= 3 && buffer.targetFrames <= 10)
        #expect(buffer.count <= 50)
    }
}
