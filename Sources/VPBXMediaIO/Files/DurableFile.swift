#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a file so that once `write` returns, the file is complete on disk under its final
/// name, and if it throws, no file (and no half file) is left: a temporary file in the same
/// folder, written in full, fsync'd, renamed over the final name, then the folder fsync'd so
/// the rename itself survives a power cut. Foundation's `.atomic` write skips both fsyncs.
enum DurableFile {
    /// - Throws: ``MediaFileError`` naming the path and the system's reason.
    static func write(_ bytes: [UInt8], to path: String) throws(MediaFileError) {
        let directory = parent(of: path)
        let name = String(path.split(separator: "/").last ?? "")
        let temporary = "\(directory)/.\(name).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw .system(errno, "cannot create a file in \(directory)") }
        var failure: MediaFileError?
        var written = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = .system(errno, "cannot write \(path)")
                    return
                }
                written += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = .system(errno, "cannot flush \(path) to disk") }
        if close(fd) != 0, failure == nil { failure = .system(errno, "cannot write \(path)") }
        if failure == nil, rename(temporary, path) != 0 { failure = .system(errno, "cannot move \(path) into place") }
        if let failure {
            unlink(temporary)
            throw failure
        }
        try syncDirectory(directory)
    }

    /// Creates `path` (and missing parents) as a directory, syncing each parent it adds to so
    /// that the new folder survives a power cut along with the file written into it.
    static func makeDirectory(_ path: String) throws(MediaFileError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw .system(ENOTDIR, "cannot use \(path) as a folder")
            }
            return
        }
        let up = parent(of: path)
        if up != path { try makeDirectory(up) }
        if mkdir(path, 0o750) != 0, errno != EEXIST { throw .system(errno, "cannot create the folder \(path)") }
        try syncDirectory(up)
    }

    static func syncDirectory(_ path: String) throws(MediaFileError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .system(errno, "cannot open the folder \(path)") }
        defer { close(fd) }
        // EINVAL: the file system cannot sync folders (some network or FUSE ones); nothing to do.
        if fsync(fd) != 0, errno != EINVAL { throw .system(errno, "cannot flush the folder \(path) to disk") }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// The C `write`, which `DurableFile.write` hides inside the type.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
