import Foundation
import Testing

extension Integration {
    /// `--relay-threads`: the real engine starts that many RTP forwarding threads (named
    /// `vpbx-rtp`), and says how many in its ready line.
    @Suite("Relay threads")
    struct RelayThreadTests {
        @Test("--relay-threads 3 starts three forwarding threads; without it the ready line names the default the engine chose")
        func theEngineStartsTheForwardingThreadsItWasToldTo() async throws {
            try await TestPBX.run(configure: { $0.relayThreads = 3 }) { pbx in
                let started = try await Self.forwardingThreads(of: pbx.engine.pid, settlingOn: 3)
                #expect(started == 3)
                #expect(pbx.engine.logTail(lines: 400).contains("relay_threads=3"))
            }
            try await TestPBX.run { pbx in
                let line = try #require(
                    pbx.engine.logTail(lines: 400).split(separator: "\n").first { $0.contains("vpbx-engine ready") })
                let announced = try #require(line.firstMatch(of: /relay_threads=(\d+)/).flatMap { Int($0.1) })
                #expect(announced >= 1)
                let started = try await Self.forwardingThreads(of: pbx.engine.pid, settlingOn: announced)
                #expect(started == announced)
            }
        }

        /// Threads of `pid` named `vpbx-rtp`, read until the count is `expected` or 5 s pass
        /// (a thread names itself once it runs).
        private static func forwardingThreads(of pid: Int32, settlingOn expected: Int) async throws -> Int {
            var count = 0
            for _ in 0..<50 {
                let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")
                count = tasks.filter { task in
                    let name = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)
                    return name?.trimmingCharacters(in: .whitespacesAndNewlines) == "vpbx-rtp"
                }.count
                if count == expected { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            return count
        }
    }
}
