/// Western (Gregorian) Easter Sunday, from which Hungary's Good Friday, Easter Monday, Whit Sunday
/// and Whit Monday follow.
public enum Easter {
    /// Easter Sunday of `year`, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher), valid
    /// for every Gregorian year.
    public static func sunday(of year: Int) -> LocalDate {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        // The algorithm only yields March 22 ... April 25, which always exist.
        guard let date = LocalDate(year: year, month: month, day: day) else {
            preconditionFailure("computus produced \(year)-\(month)-\(day)")
        }
        return date
    }
}
