extension String {
    /// Appends `value` in decimal, with leading zeros up to `width` digits (`7`, width 2:
    /// `07`); wider values are written whole. For the date and time fields the engine writes
    /// by hand instead of through a formatter (SIP `Date` headers, the store's date text).
    public mutating func appendZeroPadded(_ value: Int64, width: Int) {
        let digits = String(value)
        if digits.utf8.count < width { self += String(repeating: "0", count: width - digits.utf8.count) }
        self += digits
    }
}
