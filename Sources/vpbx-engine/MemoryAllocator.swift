import CJemalloc
import Logging

/// The engine runs on jemalloc rather than glibc's malloc (linked through `CJemalloc`): the
/// engine allocates and frees many small, short-lived objects per call on several threads,
/// and glibc spent a tenth of the engine's CPU in `_int_malloc`, `malloc_consolidate` and
/// `unlink_chunk` under load (docs/performance.md, "Stop 21").
enum MemoryAllocator {
    /// Says at start which allocator serves the process. A jemalloc that is loaded but holds
    /// no bytes means the dynamic linker bound malloc to another library first (a change in
    /// link order, an `LD_PRELOAD`): the engine still works, only slower, so a warning.
    static func report(to logger: Logger) {
        guard let version = vpbx_jemalloc_version() else {
            logger.warning("memory allocator: jemalloc does not answer; the engine runs on another malloc")
            return
        }
        let allocated = vpbx_jemalloc_allocated_bytes()
        if allocated > 0 {
            logger.info("memory allocator: jemalloc \(String(cString: version)), \(allocated) bytes in use")
        } else {
            logger.warning("memory allocator: jemalloc \(String(cString: version)) is loaded but serves no allocations; another malloc was bound first")
        }
    }
}
