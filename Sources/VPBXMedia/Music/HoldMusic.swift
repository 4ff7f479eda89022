import Foundation

/// The default music on hold, composed in code: nothing to license, nothing to download, and
/// the same bytes on every machine, so a test can tell the music from anything else.
///
/// Four bars of arpeggiated chords (C, A minor, F, G: the most familiar progression there is)
/// over a soft bass, 2 s a bar, 8 s in all; the end leads back into the start, so it loops.
/// Plucked notes (a fast attack and an exponential decay) keep it calm on a handset speaker
/// and far from anything a DTMF detector could mistake for a digit pair.
public enum HoldMusic {
    /// Length of one arpeggio note.
    public static let noteSeconds = 0.25
    /// Notes per bar (eighth notes at 120 beats a minute).
    static let notesPerBar = 8

    /// The arpeggio, bar by bar, as MIDI note numbers.
    static let bars: [(bass: Int, arpeggio: [Int])] = [
        (48, [60, 64, 67, 72, 76, 72, 67, 64]),  // C major
        (45, [57, 60, 64, 69, 72, 69, 64, 60]),  // A minor
        (41, [53, 57, 60, 65, 69, 65, 60, 57]),  // F major
        (43, [55, 59, 62, 67, 71, 67, 62, 59]),  // G major
    ]

    /// The frequency of every arpeggio note, in playing order: what a listener (or a test)
    /// hears as the strongest tone of each note.
    public static var melodyFrequencies: [Double] {
        bars.flatMap(\.arpeggio).map(frequency(ofMIDINote:))
    }

    /// The loop's length in seconds.
    public static var loopSeconds: Double { Double(bars.count * notesPerBar) * noteSeconds }

    /// The whole loop as 16-bit mono samples at `sampleRate` (8 kHz for G.711).
    public static func loop(sampleRate: Int = 8000) -> [Int16] {
        let rate = Double(sampleRate)
        let noteLength = Int(noteSeconds * rate)
        let barLength = noteLength * notesPerBar
        var samples = [Int16](repeating: 0, count: barLength * bars.count)
        for (barIndex, bar) in bars.enumerated() {
            let barStart = barIndex * barLength
            let bass = frequency(ofMIDINote: bar.bass)
            for (noteIndex, note) in bar.arpeggio.enumerated() {
                let pitch = frequency(ofMIDINote: note)
                let noteStart = barStart + noteIndex * noteLength
                for offset in 0..<noteLength {
                    let time = Double(offset) / rate
                    let barTime = Double(noteStart - barStart + offset) / rate
                    let melody = pluck(at: time) * (sin(2 * .pi * pitch * time) + 0.3 * sin(4 * .pi * pitch * time))
                    // The bass swells in and out over the bar, so bar changes do not click.
                    let bassLevel = 0.22 * sin(.pi * barTime / (Double(barLength) / rate))
                    let value = 7000 * melody + 7000 * bassLevel * sin(2 * .pi * bass * barTime)
                    samples[noteStart + offset] = Int16(max(-32767, min(32767, value.rounded())))
                }
            }
        }
        return samples
    }

    /// Equal temperament, A4 (MIDI 69) = 440 Hz.
    static func frequency(ofMIDINote note: Int) -> Double {
        440 * pow(2, Double(note - 69) / 12)
    }

    /// A plucked string's loudness: 5 ms attack, then a decay that has faded to a few percent
    /// by the next note (so notes do not click where they meet).
    private static func pluck(at time: Double) -> Double {
        let attack = 0.005
        if time < attack { return time / attack }
        let fadeOut = min(1, (noteSeconds - time) / 0.01)
        return exp(-(time - attack) / 0.12) * fadeOut
    }
}
