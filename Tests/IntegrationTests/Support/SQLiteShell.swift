import Foundation

/// The sqlite3 shell, for putting rows into an engine's database that no CLI command writes
/// (finished queue calls come only from the queue runtime).
enum SQLiteShell {
    static var path: String? { ToolPath.find("sqlite3") }

    /// Runs `sql` on the database file, with a busy timeout (the engine has it open).
    static func execute(_ sql: String, database: String, scratch: ScratchDirectory) async throws {
        guard let sqlite3 = path else { throw HarnessError("sqlite3 is missing: run 'bash scripts/setup-deps.sh'") }
        let status = try await ChildProcess.run(
            URL(fileURLWithPath: sqlite3), ["-cmd", ".timeout 5000", database, sql],
            stdout: scratch.file("sqlite3.out"), stderr: scratch.file("sqlite3.err"), timeout: .seconds(20))
        guard status == 0 else {
            throw HarnessError(
                "sqlite3 failed (\(status.map(String.init) ?? "timeout")): \(tail(of: scratch.file("sqlite3.err")))")
        }
    }
}
