import ArgumentParser
import Foundation

/// A WAV file named on the command line, read for upload (`prompt set`, `moh set`): the engine
/// checks and converts the audio; the CLI only makes sure the file can be read.
struct WAVUpload {
    /// The file's bytes, base64, as the control methods take them.
    let base64: String
    /// The file's name, for the engine's messages.
    let fileName: String

    /// For `validate()`: usage error (exit 2) when the path cannot be read.
    static func checkReadable(_ path: String) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ValidationError("cannot read '\(path)'; give the path of a WAV file")
        }
    }

    init(path: String) throws {
        do {
            base64 = try Data(contentsOf: URL(fileURLWithPath: path)).base64EncodedString()
        } catch {
            throw ValidationError("cannot read '\(path)': \(error.localizedDescription)")
        }
        fileName = URL(fileURLWithPath: path).lastPathComponent
    }
}
