import Testing
import VPBXRTP

@testable import VPBXMedia

@Suite("DTMF detection")
struct DTMFDetectorTests {
    private func tone(_ digit: DTMFDigit, milliseconds: Int = 100) -> [Int16] {
        var generator = ToneGenerator(.dtmf(digit, milliseconds: milliseconds))
        return generator.next(AudioFormat.samples(milliseconds: milliseconds))
    }

    private func silence(_ milliseconds: Int) -> [Int16] {
        [Int16](repeating: 0, count: AudioFormat.samples(milliseconds: milliseconds))
    }

    private func detect(_ samples: [Int16]) -> [DTMFDigit] {
        var detector = DTMFDetector()
        // Fed in 20 ms frames, as the media path delivers them.
        return stride(from: 0, to: samples.count, by: 160).flatMap {
            detector.process(samples[$0..<min($0 + 160, samples.count)])
        }
    }

    @Test func everyKeyIsDetectedOnce() {
        for digit in DTMFDigit.allCases {
            #expect(detect(silence(30) + tone(digit) + silence(60)) == [digit], "\(digit)")
        }
    }

    @Test func aDialledSequenceThroughG711() {
        let keys: [DTMFDigit] = [.one, .nine, .nine, .star, .zero, .pound, .a]
        var signal = silence(50)
        for key in keys { signal += tone(key, milliseconds: 70) + silence(50) }
        for law in G711.Law.allCases {
            #expect(detect(G711.decode(law, G711.encode(law, signal))) == keys)
        }
    }

    @Test func keysAreFoundInLineNoise() {
        // -8 dBm0 per tone against noise at about -35 dBm0 (RMS 200): a poor but usable line.
        let keys: [DTMFDigit] = [.four, .seven, .b]
        var signal = silence(40)
        for key in keys { signal += tone(key, milliseconds: 60) + silence(60) }
        let noisy = zip(signal, Signals.noise(count: signal.count, amplitude: 350)).map { $0 &+ $1 }
        #expect(detect(noisy) == keys)
    }

    @Test func heldKeyIsReportedOnce() {
        #expect(detect(tone(.five, milliseconds: 2000)) == [.five])
    }

    @Test func tooShortIsIgnored() {
        #expect(detect(silence(20) + tone(.five, milliseconds: 20) + silence(40)) == [])
    }

    @Test func fortyMillisecondsIsEnoughAtAnyAlignment() {
        for offset in stride(from: 0, to: 102, by: 17) {
            #expect(
                detect([Int16](repeating: 0, count: offset) + tone(.eight, milliseconds: 40) + silence(40)) == [.eight],
                "offset \(offset)")
        }
    }

    @Test func tooQuietIsIgnored() {
        let quiet = tone(.three).map { Int16(Double($0) / 20) }  // -8 dBm0 - 26 dB = -34 dBm0
        #expect(detect(quiet) == [])
    }

    @Test func excessiveTwistIsRejected() {
        let (low, high) = DTMFDigit.six.frequencies
        let rowLoud = Signals.sum([low], seconds: 0.1, amplitude: 8000)
        let columnQuiet = Signals.sum([high], seconds: 0.1, amplitude: 8000 / 4)  // 12 dB twist
        #expect(detect(zip(rowLoud, columnQuiet).map { $0 &+ $1 }) == [])
        let columnLoud = Signals.sum([high], seconds: 0.1, amplitude: 8000)
        let rowQuiet = Signals.sum([low], seconds: 0.1, amplitude: 8000 / 2)  // 6 dB reverse twist
        #expect(detect(zip(rowQuiet, columnLoud).map { $0 &+ $1 }) == [])
        let columnHalf = Signals.sum([high], seconds: 0.1, amplitude: 8000 / 2)  // 6 dB normal twist
        #expect(detect(zip(rowLoud, columnHalf).map { $0 &+ $1 }) == [.six])
    }

    @Test func speechLikeSignalsAreNotKeys() {
        // A row and column tone buried in other tones and noise (music, speech harmonics).
        let busy = Signals.sum([697, 1209, 500, 900, 1800], seconds: 1, amplitude: 3000)
        #expect(detect(busy) == [])
        #expect(detect(Signals.noise(count: 8000, amplitude: 8000)) == [])
        #expect(detect(Signals.sine(1000, seconds: 1)) == [])
    }

    @Test func sameKeyTwiceNeedsAGap() {
        #expect(detect(tone(.two) + silence(40) + tone(.two)) == [.two, .two])
        #expect(detect(tone(.two) + tone(.three)) == [.two, .three])
    }

    /// Q.24's shortest pause between keys (40 ms) separates two presses of one key wherever
    /// the blocks fall, although the detector waits three blocks for a key's end.
    @Test func fortyMillisecondPauseSeparatesAtAnyAlignment() {
        for offset in 0..<102 {
            let signal = [Int16](repeating: 0, count: offset) + tone(.two, milliseconds: 60) + silence(40) + tone(.two, milliseconds: 60)
            #expect(detect(signal + silence(60)) == [.two, .two], "offset \(offset)")
        }
    }

    /// A lost packet in the middle of a key: the jitter buffer plays the last frame again at
    /// half level, or 20 ms of silence where a frame is missing. It is still one key press.
    /// (A packet late enough to empty the buffer costs both, 40 ms, as long as Q.24's
    /// shortest pause: at a few alignments that is heard as two presses.)
    @Test(arguments: [false, true])
    func aKeyInterruptedByOneMissingFrameIsHeardOnce(concealedAtHalfLevel: Bool) {
        for offset in stride(from: 0, to: 102, by: 3) {
            let before = tone(.eight, milliseconds: 80)
            let gap = concealedAtHalfLevel ? Array(before.suffix(160)).map { $0 / 2 } : silence(20)
            let signal = [Int16](repeating: 0, count: offset) + before + gap + tone(.eight, milliseconds: 80)
            #expect(detect(signal + silence(60)) == [.eight], "offset \(offset)")
        }
    }
}
