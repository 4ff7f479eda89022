#if canImport(Glibc)
import Glibc
#endif

/// Every call holds four RTP sockets (RTP and RTCP per leg), so the default soft limit of 1024
/// descriptors caps the exchange at about 250 calls. Raise the soft limit to the hard limit at
/// start; the figure is logged so an administrator can see what the system allows.
enum FileDescriptorLimit {
    /// Returns the soft limit in force afterwards.
    @discardableResult
    static func raiseToMaximum() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return UInt64(limit.rlim_cur)
    }
}
