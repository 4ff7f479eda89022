import Foundation

/// A fresh directory under /tmp for one test: the engine's data dir, logs and sipp traces.
/// The path is kept short on purpose: a Unix socket path inside it must fit in
/// `sun_path` (107 bytes plus the terminating NUL).
struct ScratchDirectory: Sendable {
    let url: URL

    var path: String { url.path }

    init() throws {
        var template = Array("/tmp/vpbx-it-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw HarnessError("cannot create a scratch directory under /tmp: \(String(cString: strerror(errno)))")
        }
        url = URL(fileURLWithPath: String(cString: made))
    }

    func file(_ name: String) -> URL {
        url.appendingPathComponent(name)
    }

    /// Removes the directory; kept when `VPBX_KEEP_SCRATCH` is set, to inspect logs.
    func remove() {
        guard ProcessInfo.processInfo.environment["VPBX_KEEP_SCRATCH"] == nil else { return }
        try? FileManager.default.removeItem(at: url)
    }
}
