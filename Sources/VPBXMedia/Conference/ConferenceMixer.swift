import Synchronization

/// The audio of one conference room: every participant hears the sum of everyone else.
///
/// Each participant's media endpoint runs its own 20 ms clock. Every frame it plays out of its
/// jitter buffer (what the phone said) it hands to ``ConferencePort/deliver(_:)``, and every
/// frame it sends it asks of ``ConferencePort/nextFrame()``. A delivered frame is queued once
/// for each other participant; a participant's next frame pops one frame from each of those
/// queues and adds them up (in linear PCM, clipped to 16 bits). So no frame is heard twice or
/// skipped while the clocks keep pace, whatever their phase; a queue longer than
/// ``maximumQueuedFrames`` (the two clocks drifted apart, or a participant's clock stalled)
/// loses its oldest frame, which bounds the delay a participant can add to 60 ms.
///
/// A participant alone in the room hears the room's waiting music (the hold music), so that it
/// knows the line is alive while it waits for the others; so does a waiting one (a room that
/// waits for its leader), which nobody hears and which hears nobody until it is let in.
///
/// The others hear a rising pair of tones when somebody joins and a falling pair when somebody
/// leaves (``joinCue``, ``leaveCue``), mixed in with the voices.
///
/// Thread-safe: endpoints run on several event loops. The work is one lock and
/// N - 1 additions of 160 samples a frame per participant.
public final class ConferenceMixer: Sendable {
    /// The most frames one participant's speech waits for another participant's clock.
    public static let maximumQueuedFrames = 3
    /// The same for the room's recorder (``listen()``): half a second.
    public static let maximumListenerQueuedFrames = 25

    private struct Participant {
        /// What each other participant said and this one has not heard yet, by speaker.
        var heard: [Int: [[Int16]]] = [:]
        var muted = false
        /// Waiting for the room's leader: hears the music, is heard by nobody.
        var waiting = false
        /// A cue still to be heard (samples, from `cueOffset` on).
        var cue: [Int16] = []
        var cueOffset = 0
        /// Where in the waiting music this participant is, while it is alone.
        var musicOffset = 0
        /// The room's recorder (``listen()``): hears everyone, is heard by nobody, is no
        /// participant (no cue when it comes or goes, no music, not counted).
        var isListener = false

        /// How many frames of one speaker it keeps unheard: a recorder's clock is a task's
        /// sleep, which a loaded machine may delay more than a media endpoint's timer.
        var queueLimit: Int {
            isListener ? ConferenceMixer.maximumListenerQueuedFrames : ConferenceMixer.maximumQueuedFrames
        }

        mutating func hear(_ samples: [Int16]) {
            cue = samples
            cueOffset = 0
        }
    }

    /// Somebody came in: 600 Hz then 900 Hz, 120 ms each.
    public static let joinCue = cue(600, 900)
    /// Somebody left: 900 Hz then 600 Hz.
    public static let leaveCue = cue(900, 600)

    /// A moderator muted the participant: one 600 Hz beep of 200 ms, as its own `*` sounds.
    public static let mutedCue = beeps([200])
    /// A moderator unmuted it: two 120 ms beeps 80 ms apart.
    public static let unmutedCue = beeps([120, 120])

    private static func beeps(_ lengths: [Int]) -> [Int16] {
        var samples: [Int16] = []
        for (index, milliseconds) in lengths.enumerated() {
            if index > 0 { samples += [Int16](repeating: 0, count: AudioFormat.samples(milliseconds: 80)) }
            var generator = ToneGenerator(
                Tone(frequencies: [600], level: -10, cadence: .once(milliseconds: milliseconds)))
            samples += generator.next(AudioFormat.samples(milliseconds: milliseconds))
        }
        return samples
    }

    private static func cue(_ first: Double, _ second: Double) -> [Int16] {
        [first, second].flatMap { frequency in
            var generator = ToneGenerator(Tone(frequencies: [frequency], level: -12, cadence: .once(milliseconds: 120)))
            return generator.next(AudioFormat.samples(milliseconds: 120))
        }
    }

    private struct State {
        var participants: [Int: Participant] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())
    /// 8 kHz samples played to a participant alone in the room; empty: silence.
    private let waitingMusic: [Int16]

    public init(waitingMusic: [Int16] = []) {
        self.waitingMusic = waitingMusic
    }

    /// How many are in the room (its recorder is not).
    public var count: Int { state.withLock { state in state.participants.values.count { !$0.isListener } } }

    /// A new participant's port; the others hear it from its first delivered frame.
    public func join() -> ConferencePort {
        let id = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            for key in state.participants.keys { state.participants[key]?.hear(Self.joinCue) }
            state.participants[id] = Participant()
            return id
        }
        return ConferencePort(mixer: self, id: id)
    }

    /// A port that hears the whole room (everyone's voice, the cues) and is heard by nobody:
    /// the room's recording. The others hear no cue for it and it is not counted; it hears
    /// no waiting music, so a room of one records that one's voice.
    public func listen() -> ConferencePort {
        let id = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            var listener = Participant()
            listener.isListener = true
            state.participants[id] = listener
            return id
        }
        return ConferencePort(mixer: self, id: id)
    }

    /// The participant leaves: nobody hears it any more, and what it had not heard is dropped.
    func leave(_ id: Int) {
        state.withLock { state in
            guard let leaving = state.participants.removeValue(forKey: id) else { return }
            for key in state.participants.keys {
                state.participants[key]?.heard[id] = nil
                if !leaving.isListener { state.participants[key]?.hear(Self.leaveCue) }
            }
        }
    }

    /// Whether the port `id` is still in the room (it has not left).
    func isPresent(_ id: Int) -> Bool {
        state.withLock { $0.participants[id] != nil }
    }

    /// A muted participant is heard by nobody (it still hears the others). `telling`: it
    /// hears ``mutedCue`` or ``unmutedCue`` (a moderator's doing; its own `*` has its
    /// application say so).
    func setMuted(_ muted: Bool, _ id: Int, telling: Bool = false) {
        state.withLock { state in
            guard state.participants[id] != nil else { return }
            state.participants[id]?.muted = muted
            if telling { state.participants[id]?.hear(muted ? Self.mutedCue : Self.unmutedCue) }
        }
    }

    /// A waiting participant hears the waiting music and nothing of the others, who do not
    /// hear it; let in (`false`), it hears ``startCue`` and the room from the next frame.
    func setWaiting(_ waiting: Bool, _ id: Int) {
        state.withLock { state in
            guard let participant = state.participants[id], participant.waiting != waiting else { return }
            state.participants[id]?.waiting = waiting
            state.participants[id]?.heard = [:]
            if !waiting { state.participants[id]?.hear(Self.startCue) }
        }
    }

    func isWaiting(_ id: Int) -> Bool {
        state.withLock { $0.participants[id]?.waiting ?? false }
    }

    /// A waiting participant is let in (its leader came): 1 kHz for 200 ms, as a caller
    /// joining a room hears.
    public static let startCue: [Int16] = {
        var generator = ToneGenerator(Tone(frequencies: [1000], level: -10, cadence: .once(milliseconds: 200)))
        return generator.next(AudioFormat.samples(milliseconds: 200))
    }()

    func isMuted(_ id: Int) -> Bool {
        state.withLock { $0.participants[id]?.muted ?? false }
    }

    func deliver(_ frame: [Int16], from speaker: Int) {
        state.withLock { state in
            guard let participant = state.participants[speaker], !participant.muted, !participant.waiting else {
                return
            }
            for (listener, other) in state.participants where listener != speaker && !other.waiting {
                var queue = state.participants[listener]!.heard[speaker] ?? []
                if queue.count >= other.queueLimit { queue.removeFirst() }
                queue.append(frame)
                state.participants[listener]!.heard[speaker] = queue
            }
        }
    }

    func nextFrame(for listener: Int) -> [Int16] {
        var sum = [Int32](repeating: 0, count: AudioFormat.frameSamples)
        state.withLock { state in
            guard var participant = state.participants[listener] else { return }
            let alone = !state.participants.contains { $0.key != listener && !$0.value.isListener }
            if alone || participant.waiting, !participant.isListener, !waitingMusic.isEmpty {
                for index in sum.indices {
                    sum[index] = Int32(waitingMusic[(participant.musicOffset + index) % waitingMusic.count])
                }
                participant.musicOffset = (participant.musicOffset + sum.count) % waitingMusic.count
            }
            for speaker in participant.heard.keys {
                guard var queue = participant.heard[speaker], !queue.isEmpty else { continue }
                let frame = queue.removeFirst()
                participant.heard[speaker] = queue
                for index in 0..<min(frame.count, sum.count) { sum[index] += Int32(frame[index]) }
            }
            if participant.cueOffset < participant.cue.count {
                let end = min(participant.cueOffset + sum.count, participant.cue.count)
                for (index, sample) in participant.cue[participant.cueOffset..<end].enumerated() {
                    sum[index] += Int32(sample)
                }
                participant.cueOffset = end
            }
            state.participants[listener] = participant
        }
        return sum.map { Int16(clamping: $0) }
    }
}

/// One participant's connection to a ``ConferenceMixer``: its media endpoint delivers what
/// the phone says and asks for what it hears. Leaving the room is ``leave()``.
public final class ConferencePort: Sendable {
    private let mixer: ConferenceMixer
    public let id: Int

    init(mixer: ConferenceMixer, id: Int) {
        self.mixer = mixer
        self.id = id
    }

    /// A 20 ms frame (160 samples) of what the phone said.
    public func deliver(_ frame: [Int16]) { mixer.deliver(frame, from: id) }

    /// The next 20 ms frame the phone hears: everyone else, added up.
    public func nextFrame() -> [Int16] { mixer.nextFrame(for: id) }

    /// Mutes or unmutes the participant: its own `*`, or a moderator (`vpbx conf mute`),
    /// whom `telling` has the participant hear a beep for.
    public func setMuted(_ muted: Bool, telling: Bool = false) { mixer.setMuted(muted, id, telling: telling) }

    /// Whether nobody hears the participant now, whoever muted it.
    public var isMuted: Bool { mixer.isMuted(id) }

    /// Holds the participant apart from the room (its leader is not there yet) or lets it in.
    public func setWaiting(_ waiting: Bool) { mixer.setWaiting(waiting, id) }

    /// Whether the participant waits for the room's leader.
    public var isWaiting: Bool { mixer.isWaiting(id) }

    /// Whether the port is still in the room: false once it left (for the recorder's port,
    /// once the room ended).
    public var isPresent: Bool { mixer.isPresent(id) }

    public func leave() { mixer.leave(id) }
}
