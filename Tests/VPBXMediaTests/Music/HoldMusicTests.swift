import Testing
import VPBXRTP

@testable import VPBXMedia

@Suite("Hold music")
struct HoldMusicTests {
    let samples = HoldMusic.loop()
    let noteLength = Int(HoldMusic.noteSeconds * 8000)

    @Test("8 s at 8 kHz: 32 notes of 250 ms")
    func lengthAndNoteCount() {
        #expect(samples.count == 64_000)
        #expect(HoldMusic.loopSeconds == 8)
        #expect(HoldMusic.melodyFrequencies.count == 32)
    }

    @Test("each note's strongest tone is the arpeggio note written for it, within 1 %")
    func notesArePlayedInOrder() {
        for (index, expected) in HoldMusic.melodyFrequencies.enumerated() {
            let note = Array(samples[(index * noteLength)..<((index + 1) * noteLength)])
            let heard = FrequencyEstimator.dominantFrequency(in: note, range: 150...1000)
            #expect(abs(heard - expected) / expected < 0.01, "note \(index): heard \(heard) Hz, written \(expected) Hz")
        }
    }

    @Test("audible but not clipped: every note is louder than -30 dBm0, no sample reaches full scale")
    func levels() {
        #expect(samples.map { abs(Int($0)) }.max()! < 32_000)
        for index in 0..<32 {
            let note = samples[(index * noteLength)..<((index + 1) * noteLength)]
            #expect(SignalLevel.dBm0(note) > -30, "note \(index): \(SignalLevel.dBm0(note)) dBm0")
        }
    }

    @Test("the loop joins without a click: the last and first samples are both near zero")
    func loopsSmoothly() {
        #expect(abs(Int(samples.first!)) < 200)
        #expect(abs(Int(samples.last!)) < 200)
    }

    @Test("A-law keeps it recognisable: decoded notes still have the written pitch")
    func survivesALaw() {
        let decoded = samples.map { G711.Law.alaw.decode(G711.Law.alaw.encode($0)) }
        let first = Array(decoded[0..<noteLength])
        let heard = FrequencyEstimator.dominantFrequency(in: first, range: 150...1000)
        #expect(abs(heard - HoldMusic.melodyFrequencies[0]) < 3)
    }
}
