import Testing
import VPBXRTP
import VPBXTestSupport

@testable import VPBXMedia

/// The pieces together, the way the engine will chain them: a player's frames are packetised,
/// cross a (simulated) network, are parsed, buffered, decoded, recorded and written as WAV.
@Suite("Media pipeline")
struct MediaPipelineTests {
    /// A packet in flight.
    private struct Flight {
        var arrival: Int
        var bytes: [UInt8]
    }

    @Test("a beep survives RTP, reordering and the jitter buffer into a WAV", arguments: G711.Law.allCases)
    func beepThroughTheNetwork(law: G711.Law) throws {
        var player = Player([.silence(milliseconds: 200), .tone(.beep(milliseconds: 400)), .silence(milliseconds: 200)])
        var sender = RTPSender(law: law, ssrc: 77, sequenceNumber: 65_500, timestamp: 4_000_000_000)
        var generator = SeededGenerator(seed: 11)
        var flights: [Flight] = []
        var sent = 0
        while case .play(let frame) = player.nextFrame() {
            // Up to 50 ms of network delay: packets overtake each other.
            flights.append(
                Flight(
                    arrival: sent * 160 + Int.random(in: 0...400, using: &generator), bytes: sender.audioPacket(frame)))
            sent += 1
        }
        flights.sort { $0.arrival < $1.arrival }

        var buffer = JitterBuffer(configuration: JitterBufferConfiguration(delay: .fixed(frames: 4)))
        var recorder = Recorder(configuration: RecorderConfiguration(silenceMilliseconds: nil))
        var next = 0
        for tick in 0..<(sent + 10) {
            let now = tick * 160
            while next < flights.count, flights[next].arrival <= now {
                let packet = try #require(ReceivedRTPPacket(bytes: flights[next].bytes))
                _ = buffer.insert(
                    sequenceNumber: packet.header.sequenceNumber, timestamp: packet.header.timestamp,
                    ssrc: packet.header.ssrc, samples: G711.decode(law, packet.payload), arrival: now)
                next += 1
            }
            _ = recorder.append(buffer.nextFrame().samples)
        }
        #expect(buffer.statistics.late == 0)
        #expect(buffer.statistics.lost == 0)

        let file = try WAVReader.read(recorder.stop().wav, name: "beep.wav")
        let audio = file.telephoneAudio()
        // Leading silence (delay + 200 ms) is kept, trailing silence trimmed: the WAV ends with
        // the beep, 400 ms long.
        let beepStart = try #require(audio.firstIndex { abs($0) > 500 })
        #expect(audio.count - beepStart >= 3150 && audio.count - beepStart <= 3200)
        #expect(abs(FrequencyEstimator.dominantFrequency(in: Array(audio[beepStart...])) - 1000) <= 1)
        #expect(abs(Goertzel.level(of: 1000, in: audio[(beepStart + 160)...]) + 10) < 0.5)
    }

    @Test func playedDTMFTonesAreDetected() {
        let keys: [DTMFDigit] = [.one, .two, .pound, .zero, .zero, .d]
        var items: [PlayItem] = []
        for key in keys { items += [.tone(.dtmf(key, milliseconds: 80)), .silence(milliseconds: 60)] }
        var player = Player(items)
        var detector = DTMFDetector()
        var detected: [DTMFDigit] = []
        while case .play(let frame) = player.nextFrame() {
            detected += detector.process(G711.decode(.alaw, G711.encode(.alaw, frame)))
        }
        #expect(detected == keys)
    }

    @Test func rfc4733KeyIsReportedOnceDespiteLostStarts() {
        var rtp = RTPSender(law: .ulaw, ssrc: 5, sequenceNumber: 0, timestamp: 160_000)
        var keySender = TelephoneEventSender()
        var packets = keySender.start(.eight, samples: 1600, timestamp: rtp.timestamp, now: 0)
        for tick in 1...20 { packets += keySender.advance(to: tick * 160) }
        var receiver = TelephoneEventReceiver()
        var actions: [TelephoneEventReceiver.Action] = []
        // The start and first update are lost; the rest arrive, each end twice (duplicated).
        for packet in packets.dropFirst(2) {
            for copy in packet.event.isEnd ? [packet, packet] : [packet] {
                let received = ReceivedRTPPacket(bytes: rtp.eventPacket(copy))
                guard let received, received.header.payloadType == 101, let event = received.telephoneEvent else {
                    Issue.record("not a telephone-event packet")
                    continue
                }
                actions += receiver.receive(event, ssrc: received.header.ssrc)
            }
        }
        #expect(actions == [.pressed(.eight), .released(.eight, samples: 1600)])
    }
}
