import Foundation

/// sox, for making WAV files the way an administrator's tools would (sample rate and channel
/// count chosen, not written by our own WAVWriter).
enum Sox {
    static var path: String? { ToolPath.find("sox") }

    /// A 16-bit PCM WAV of a sine: `sox -n -r RATE -c CHANNELS -b 16 FILE synth SECONDS sine HZ`.
    static func sine(
        _ file: URL, rate: Int, channels: Int, seconds: Double, frequency: Int, scratch: ScratchDirectory
    ) async throws {
        guard let sox = path else { throw HarnessError("sox is missing: run 'bash scripts/setup-deps.sh'") }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let status = try await ChildProcess.run(
            URL(fileURLWithPath: sox),
            [
                "-n", "-r", "\(rate)", "-c", "\(channels)", "-b", "16", "-e", "signed-integer", file.path,
                "synth", "\(seconds)", "sine", "\(frequency)",
            ],
            stdout: scratch.file("sox.out"), stderr: scratch.file("sox.err"), timeout: .seconds(20))
        guard status == 0 else {
            throw HarnessError(
                "sox failed (\(status.map(String.init) ?? "timeout")): \(tail(of: scratch.file("sox.err")))")
        }
    }
}
