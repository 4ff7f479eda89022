#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A voicemail or recording file could not be written, read or removed. The ``description`` names the
/// path, the system's reason and what to do.
public struct MediaFileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// True when the disk (or the user's quota) is full.
    public let isDiskFull: Bool
    public let description: String

    init(_ description: String, isDiskFull: Bool = false) {
        self.description = description
        self.isDiskFull = isDiskFull
    }

    static func system(_ code: Int32, _ what: String) -> MediaFileError {
        let reason = String(cString: strerror(code))
        switch code {
        case ENOSPC, EDQUOT:
            return MediaFileError(
                "\(what): \(reason); the disk is full, free space in the data directory", isDiskFull: true)
        case EACCES, EPERM, EROFS:
            return MediaFileError("\(what): \(reason); the engine's user must be able to write the data directory")
        default:
            return MediaFileError("\(what): \(reason)")
        }
    }
}
