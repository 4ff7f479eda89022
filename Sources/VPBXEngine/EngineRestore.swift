import Foundation
import VPBXStore

/// `vpbx-engine --restore`: a backup put in place of the database before an engine starts.
public enum EngineRestore {
    private static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Restores `file` into `dataDirectory` and says what it holds; the engine is not
    /// started (the next start opens it, applying newer migrations to an older backup).
    public static func run(file: String, dataDirectory: String) throws(Failure) -> String {
        do {
            let summary = try VPBXDatabase.restore(from: file, into: dataDirectory)
            let holds = [
                count(summary.extensions, "extension"), count(summary.callRecords, "call record"),
                count(summary.voicemailMessages, "voicemail message"), count(summary.recordings, "recording"),
            ]
            return "restored \(file) into \(dataDirectory)/\(VPBXDatabase.fileName): \(holds.joined(separator: ", ")) "
                + "(schema \(summary.schema)); copy the audio folders back, then start the engine"
        } catch let error as StoreError {
            throw Failure(description: error.message)
        } catch {
            throw Failure(description: "\(error)")
        }
    }
}
