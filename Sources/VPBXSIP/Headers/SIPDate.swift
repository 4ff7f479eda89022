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
        let (year, month, day) = civilDate(daysSince1970: days)
        // 1970-01-01 was a Thursday.
        let weekday = Int(floorDivision(days + 4, 7).remainder)
        var text = ""
        text.reserveCapacity(29)
        text += weekdayNames[weekday]
        text += ", "
        text.appendZeroPadded(day, width: 2)
        text += " "
        text += monthNames[Int(month) - 1]
        text += " "
        text.appendZeroPadded(year, width: 4)
        text += " "
        text.appendZeroPadded(secondOfDay / 3600, width: 2)
        text += ":"
        text.appendZeroPadded(secondOfDay / 60 % 60, width: 2)
        text += ":"
        text.appendZeroPadded(secondOfDay % 60, width: 2)
        text += " GMT"
        return text
    }

    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The proleptic Gregorian date of a day number, counting in 400-year eras that start on
    /// 1 March (so the leap day ends a year and every era has the same 146,097 days).
    private static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468  // days from 0000-03-01 to 1970-01-01
        let era = floorDivision(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097  // 0...146096
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365  // 0...399
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // 0...365, from 1 March
        let monthFromMarch = (5 * dayOfYear + 2) / 153  // 0...11
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }
}
