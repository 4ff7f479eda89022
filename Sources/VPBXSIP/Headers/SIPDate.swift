import VPBXSchedule
import VPBXText

/// The `Date` header's value (RFC 3261 §20.17: RFC 1123 form, always GMT), e.g.
/// `Sat, 13 Nov 2010 23:29:00 GMT`.
///
/// The registrar puts one in every REGISTER 200, so phones without NTP can set their clocks.
/// Formatting it with a Foundation `DateFormatter` (created per response, through ICU) was a
/// fifth of the engine's CPU in a registration storm (`bench/register-storm`); this is
/// integer arithmetic on the Unix time.
public enum SIPDate {
    /// The header value for `seconds` since 1970-01-01 00:00:00 UTC (leap seconds ignored,
    /// as Unix time does).
    public static func text(secondsSince1970 seconds: Int64) -> String {
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        let date = LocalDate(dayNumber: Int(days))
        var text = ""
        text.reserveCapacity(29)
        text += weekdayNames[date.weekday.rawValue - 1]
        text += ", "
        text.appendZeroPadded(Int64(date.day), width: 2)
        text += " "
        text += monthNames[date.month - 1]
        text += " "
        text.appendZeroPadded(Int64(date.year), width: 4)
        text += " "
        text.appendZeroPadded(secondOfDay / 3600, width: 2)
        text += ":"
        text.appendZeroPadded(secondOfDay / 60 % 60, width: 2)
        text += ":"
        text.appendZeroPadded(secondOfDay % 60, width: 2)
        text += " GMT"
        return text
    }

    /// In `Weekday` order, Monday first.
    private static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }
}
