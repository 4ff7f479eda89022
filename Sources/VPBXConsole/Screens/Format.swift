import Foundation

/// Text formats shared by the screens.
public enum Format {
    /// `0:07`, `12:34`, `1:02:03`.
    public static func duration(seconds: Int) -> String {
        let s = max(0, seconds)
        let (hours, minutes, secs) = (s / 3600, s / 60 % 60, s % 60)
        let mm = String(format: "%02d", minutes)
        let ss = String(format: "%02d", secs)
        return hours > 0 ? "\(hours):\(mm):\(ss)" : "\(minutes):\(ss)"
    }

    /// `45s`, `5m`, `2h03m`, `3d04h`.
    public static func uptime(seconds: Int) -> String {
        let s = max(0, seconds)
        switch s {
        case ..<60: return "\(s)s"
        case ..<3600: return "\(s / 60)m"
        case ..<86400: return "\(s / 3600)h" + String(format: "%02dm", s / 60 % 60)
        default: return "\(s / 86400)d" + String(format: "%02dh", s / 3600 % 24)
        }
    }

    /// `1001 Kovács Ödön`, or just the number when the name is unknown.
    public static func party(_ number: String, name: String?) -> String {
        guard let name, !name.isEmpty, name != number else { return number }
        return "\(number) \(name)"
    }
}
