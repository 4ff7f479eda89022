import Testing
import VPBXRTP

@testable import VPBXMedia

@Suite("Recorder")
struct RecorderTests {
    /// 450 Hz: exactly 9 periods per frame, so repeated frames join without a phase jump.
    private let speech = Signals.sine(450, seconds: 0.02, amplitude: 4000)
    private let quiet = Signals.noise(count: 160, amplitude: 20)

    private func feed(_ recorder: inout Recorder, _ frames: [[Int16]]) -> Recorder.Action {
        var action = Recorder.Action.recording
        for frame in frames {
            action = recorder.append(frame)
            if case .stopped = action { break }
        }
        return action
    }

    @Test func stopsOnSilenceAndTrimsIt() throws {
        var recorder = Recorder(configuration: RecorderConfiguration(silenceMilliseconds: 1000))
        let action = feed(&recorder, Array(repeating: speech, count: 100) + Array(repeating: quiet, count: 100))
        guard case .stopped(let recording) = action else {
            Issue.record("still recording")
            return
        }
        #expect(recording.reason == .silence)
        #expect(recording.durationMilliseconds == 2000)
        #expect(abs(FrequencyEstimator.dominantFrequency(in: recording.samples) - 450) <= 1)
        #expect(recorder.recordedSamples == 0)  // handed over, not kept twice
    }

    @Test func silenceBetweenWordsDoesNotStopIt() {
        var recorder = Recorder(configuration: RecorderConfiguration(silenceMilliseconds: 1000))
        let pattern = Array(repeating: speech, count: 10) + Array(repeating: quiet, count: 40)
        #expect(feed(&recorder, Array(repeating: pattern, count: 5).flatMap { $0 }) == .recording)
        #expect(recorder.stop().durationMilliseconds == 4 * 1000 + 200)
    }

    @Test func poundStopsIt() {
        var recorder = Recorder()
        _ = feed(&recorder, Array(repeating: speech, count: 50))
        #expect(recorder.receive(.one) == .recording)
        guard case .stopped(let recording) = recorder.receive(.pound) else {
            Issue.record("not stopped")
            return
        }
        #expect(recording.reason == .digit(.pound))
        #expect(recording.durationMilliseconds == 1000)
        #expect(recorder.append(speech) == .stopped(recording))  // stays stopped
    }

    @Test func maximumLengthCutsExactly() {
        var recorder = Recorder(
            configuration: RecorderConfiguration(maximumMilliseconds: 1010, silenceMilliseconds: nil))
        guard case .stopped(let recording) = feed(&recorder, Array(repeating: speech, count: 100)) else {
            Issue.record("not stopped")
            return
        }
        #expect(recording.reason == .maximumLength)
        #expect(recording.samples.count == 8080)
    }

    @Test func nothingSaidIsAnEmptyRecording() {
        var recorder = Recorder(configuration: RecorderConfiguration(silenceMilliseconds: 500))
        #expect(
            feed(&recorder, Array(repeating: quiet, count: 30)) == .stopped(Recording(reason: .silence, samples: [])))
    }

    @Test func untrimmedKeepsEverything() {
        var recorder = Recorder(configuration: RecorderConfiguration(trimsTrailingSilence: false))
        _ = feed(&recorder, [speech, quiet, quiet])
        #expect(recorder.stop().samples.count == 480)
    }

    @Test func recordingWritesAReadableWAV() throws {
        var recorder = Recorder()
        _ = feed(&recorder, Array(repeating: speech, count: 25))
        let file = try WAVReader.read(recorder.stop().wav, name: "message.wav")
        #expect(file.durationMilliseconds == 500)
        #expect(abs(FrequencyEstimator.dominantFrequency(in: file.telephoneAudio()) - 450) <= 1)
    }
}
