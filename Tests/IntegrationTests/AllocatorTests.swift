import Foundation
import Testing

extension Integration {
    /// The engine links jemalloc for speed (docs/performance.md, "Stop 21"); a link-order
    /// change that let glibc's malloc win would cost CPU silently, so it is checked here.
    @Suite("Allocator")
    struct AllocatorTests {
        @Test("the engine runs on jemalloc: mapped into the process and serving its allocations")
        func jemallocServesTheEngine() async throws {
            try await TestPBX.run { pbx in
                // Read to the end: procfs files report size 0, and a read by size gets one page.
                let file = try #require(FileHandle(forReadingAtPath: "/proc/\(pbx.engine.pid)/maps"))
                let maps = String(decoding: try file.readToEnd() ?? Data(), as: UTF8.self)
                try file.close()
                #expect(maps.contains("libjemalloc"), "libjemalloc is not mapped into vpbx-engine")
                let log = pbx.engine.logTail(lines: 400)
                #expect(log.contains("memory allocator: jemalloc"), "no allocator line in the engine's log")
                #expect(log.contains("bytes in use"), "jemalloc loaded but not serving allocations:\n\(log)")
                #expect(!log.contains("serves no allocations"))
            }
        }
    }
}
